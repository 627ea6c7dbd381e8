/**
 * The desktop app's SecretStore: each secret encrypted with Electron's safeStorage (Keychain on macOS, DPAPI on
 * Windows, libsecret or KWallet on Linux) and kept as base64 in one JSON file under the app's user data folder.
 * Nothing is ever written in plain text: without a working keychain, storing refuses and says what to do instead.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { safeStorage } from 'electron';
import { z } from 'zod';
import { Secret } from '../core/config/secret.ts';
import {
  checkSecretName,
  SecretStoreError,
  type SecretProtection,
  type SecretStore,
} from '../core/secrets/secret-store.ts';

const fileSchema = z.strictObject({
  version: z.literal(1),
  secrets: z.record(z.string(), z.base64()),
});
type SecretFile = z.infer<typeof fileSchema>;

export const NO_KEYCHAIN =
  'the system keychain is not available, so the secret was not stored: unlock or install a keyring ' +
  '(GNOME Keyring, KWallet), or run the bridge headless with the secret in its config (docs/desktop.md)';

export class SafeStorageSecretStore implements SecretStore {
  /** Writes one after another, so that two quick changes never lose one of them. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  protection(): SecretProtection {
    if (this.platform !== 'linux') return 'os';
    const backend = safeStorage.getSelectedStorageBackend();
    return backend === 'basic_text' || backend === 'unknown' ? 'weak' : 'os';
  }

  async get(name: string): Promise<Secret | undefined> {
    checkSecretName(name);
    await this.queue;
    const sealed = (await this.read()).secrets[name];
    if (sealed === undefined) return undefined;
    try {
      return new Secret(safeStorage.decryptString(Buffer.from(sealed, 'base64')));
    } catch {
      // A keychain reset (new login password, another machine) leaves blobs nobody can open; say so, keep the file.
      throw new SecretStoreError(`the secret '${name}' cannot be decrypted any more: enter it again`);
    }
  }

  async set(name: string, value: string): Promise<void> {
    checkSecretName(name);
    if (!safeStorage.isEncryptionAvailable()) throw new SecretStoreError(NO_KEYCHAIN);
    const sealed = safeStorage.encryptString(value).toString('base64');
    await this.change((secrets) => ({ ...secrets, [name]: sealed }));
  }

  async delete(name: string): Promise<void> {
    checkSecretName(name);
    await this.change(({ [name]: _gone, ...rest }) => rest);
  }

  private change(edit: (secrets: SecretFile['secrets']) => SecretFile['secrets']): Promise<void> {
    const next = this.queue.then(async () => this.write({ version: 1, secrets: edit((await this.read()).secrets) }));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async read(): Promise<SecretFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, secrets: {} };
      throw e;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) throw new SecretStoreError(`${this.file} is damaged: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }

  /** Whole file or nothing: a crash mid-write leaves the old file, never half a new one. */
  private async write(contents: SecretFile): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.file);
  }
}
