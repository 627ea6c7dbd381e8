/**
 * The headless service's secrets: one JSON file in the data dir (`secrets.json`), readable and writable by its user
 * only (mode 0600). Plain text at rest: the file's permissions are the protection (see docs/configuration.md for
 * Windows, where they come from the folder's access list instead).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomically } from '../config/atomic-write.ts';
import { Secret } from '../config/secret.ts';
import { checkSecretName, SecretStoreError, type SecretProtection, type SecretStore } from './secret-store.ts';

export const SECRETS_FILE = 'secrets.json';

const fileSchema = z.strictObject({ version: z.literal(1), secrets: z.record(z.string(), z.string()) });

export class FileSecretStore implements SecretStore {
  readonly #values = new Map<string, string>();

  /** Reads the file now (a missing file is an empty store); a damaged one throws rather than being overwritten. */
  constructor(readonly path: string) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new SecretStoreError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    let parsed: z.infer<typeof fileSchema>;
    try {
      parsed = fileSchema.parse(JSON.parse(text));
    } catch {
      throw new SecretStoreError(`${path} is not a secrets file of this bridge (fix or remove it)`);
    }
    for (const [name, value] of Object.entries(parsed.secrets)) this.#values.set(name, value);
  }

  /** For the config loader, which resolves references synchronously. */
  readonly lookup = (name: string): string | undefined => this.#values.get(name);

  has(name: string): boolean {
    return this.#values.has(name);
  }

  async get(name: string): Promise<Secret | undefined> {
    checkSecretName(name);
    const value = this.#values.get(name);
    return value === undefined ? undefined : new Secret(value);
  }

  async set(name: string, value: string): Promise<void> {
    checkSecretName(name);
    const previous = this.#values.get(name);
    this.#values.set(name, value);
    this.#save(() => (previous === undefined ? this.#values.delete(name) : this.#values.set(name, previous)));
  }

  async delete(name: string): Promise<void> {
    checkSecretName(name);
    const previous = this.#values.get(name);
    if (previous === undefined) return;
    this.#values.delete(name);
    this.#save(() => this.#values.set(name, previous));
  }

  protection(): SecretProtection {
    return 'file';
  }

  /** Writes the whole store; on failure the change is undone in memory too, so memory and disk never disagree. */
  #save(undo: () => void): void {
    const text = `${JSON.stringify({ version: 1, secrets: Object.fromEntries(this.#values) }, null, 2)}\n`;
    try {
      // A fresh file replaces the old one, so a file made wider open by hand is 0600 again.
      writeFileAtomically(this.path, text, 0o600);
    } catch (e) {
      undo();
      throw new SecretStoreError(
        `cannot write ${this.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
  }
}
