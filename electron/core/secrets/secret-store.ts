/**
 * Where meter keys and broker passwords are kept when the user enters them in the UI instead of the config file. The
 * desktop app keeps them with the operating system's keychain (Electron safeStorage); the headless service keeps them
 * in a file only its user can read. Both answer the same small interface, so the core never knows which it has.
 */
import type { Secret } from '../config/secret.ts';

/**
 * How well the secrets are protected at rest, for the UI to say so:
 * - `os`: encrypted with a key the operating system keeps (Keychain, DPAPI, libsecret/KWallet);
 * - `file`: readable by this user only (mode 0600), in plain text;
 * - `weak`: encrypted with a key written into the program (Linux without a keyring: Electron's `basic_text`), which
 *   hides secrets from a glance but not from anyone who can read the user's files.
 */
export type SecretProtection = 'os' | 'file' | 'weak';

export interface SecretStore {
  get(name: string): Promise<Secret | undefined>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
  protection(): SecretProtection;
}

/** A name is a config path such as `broker.password` or `meters.35012345.key`: safe as a JSON key and a file name. */
export const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export class SecretStoreError extends Error {
  override readonly name = 'SecretStoreError';
}

export function checkSecretName(name: string): void {
  if (!SECRET_NAME.test(name)) throw new SecretStoreError(`not a secret name: '${name.slice(0, 40)}'`);
}
