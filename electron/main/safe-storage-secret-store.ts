/**
 * The desktop app's SecretStore: the headless service's file store (same file format, mode 0600), each value sealed
 * with Electron's safeStorage (Keychain on macOS, DPAPI on Windows, libsecret or KWallet on Linux) and kept as base64.
 * Nothing is ever written in plain text: without a working keychain, storing refuses and says what to do instead.
 * Electron's safeStorage works only once the app is ready: make the store after that.
 */
import { safeStorage } from 'electron';
import { FileSecretStore, type SecretCodec } from '../core/secrets/file-secret-store.ts';
import { SecretStoreError, type SecretProtection } from '../core/secrets/secret-store.ts';

export const NO_KEYCHAIN =
  'the system keychain is not available, so the secret was not stored: unlock or install a keyring ' +
  '(GNOME Keyring, KWallet), or run the bridge headless with the secret in its config (docs/desktop.md)';

/** `weak` on Linux without a keyring, where safeStorage falls back to a key written into Electron (basic_text). */
export function keychainProtection(platform: NodeJS.Platform = process.platform): SecretProtection {
  if (platform !== 'linux') return 'os';
  const backend = safeStorage.getSelectedStorageBackend();
  return backend === 'basic_text' || backend === 'unknown' ? 'weak' : 'os';
}

function safeStorageCodec(platform: NodeJS.Platform): SecretCodec {
  return {
    protection: () => keychainProtection(platform),
    seal(value) {
      if (!safeStorage.isEncryptionAvailable()) throw new SecretStoreError(NO_KEYCHAIN);
      return safeStorage.encryptString(value).toString('base64');
    },
    open: (kept) => safeStorage.decryptString(Buffer.from(kept, 'base64')),
  };
}

export class SafeStorageSecretStore extends FileSecretStore {
  constructor(path: string, platform: NodeJS.Platform = process.platform) {
    super(path, safeStorageCodec(platform));
  }
}
