/**
 * Secrets in one JSON file (`secrets.json`), readable and writable by its user only (mode 0600). The headless service
 * keeps them there in plain text: the file's permissions are the protection (see docs/configuration.md for Windows,
 * where they come from the folder's access list instead). The desktop app keeps them sealed by the system keychain
 * (electron/main/safe-storage-secret-store.ts), in the same file format, through a codec.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomically } from '../config/atomic-write.ts';
import { Secret } from '../config/secret.ts';
import { checkSecretName, SecretStoreError, type SecretProtection, type SecretStore } from './secret-store.ts';

export const SECRETS_FILE = 'secrets.json';

const fileSchema = z.strictObject({ version: z.literal(1), secrets: z.record(z.string(), z.string()) });

/** How a value is kept in the file, and how well that protects it. */
export interface SecretCodec {
  protection(): SecretProtection;
  /** Throws a SecretStoreError when nothing may be kept (no keychain). */
  seal(value: string): string;
  /** Throws when the kept text cannot be opened any more (a keychain reset). */
  open(kept: string): string;
}

/** The headless service's: the value as it is, protected by the file's permissions. */
export const PLAIN_TEXT: SecretCodec = { protection: () => 'file', seal: (value) => value, open: (kept) => kept };

export class FileSecretStore implements SecretStore {
  /** As kept in the file: sealed by the codec. */
  readonly #values = new Map<string, string>();

  /** Reads the file now (a missing file is an empty store); a damaged one throws rather than being overwritten. */
  constructor(
    readonly path: string,
    private readonly codec: SecretCodec = PLAIN_TEXT,
  ) {
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

  /** For the config loader, which resolves references synchronously; one that cannot be opened counts as missing. */
  readonly lookup = (name: string): string | undefined => {
    try {
      return this.#open(name);
    } catch {
      return undefined;
    }
  };

  has(name: string): boolean {
    return this.#values.has(name);
  }

  async get(name: string): Promise<Secret | undefined> {
    checkSecretName(name);
    const value = this.#open(name);
    return value === undefined ? undefined : new Secret(value);
  }

  #open(name: string): string | undefined {
    const kept = this.#values.get(name);
    if (kept === undefined) return undefined;
    try {
      return this.codec.open(kept);
    } catch {
      // A keychain reset (new login password, another machine) leaves values nobody can open; say so, keep the file.
      throw new SecretStoreError(`the secret '${name}' cannot be decrypted any more: enter it again`);
    }
  }

  async set(name: string, value: string): Promise<void> {
    checkSecretName(name);
    const sealed = this.codec.seal(value);
    const previous = this.#values.get(name);
    this.#values.set(name, sealed);
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
    return this.codec.protection();
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
