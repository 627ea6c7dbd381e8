import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// Electron cannot run here: its safeStorage is replaced by a reversible scrambler that marks what it sealed.
const keychain = vi.hoisted(() => ({
  available: true,
  backend: 'gnome_libsecret' as string,
}));
vi.mock('electron', () => {
  const MARK = 'sealed:';
  const scramble = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  return {
    safeStorage: {
      isEncryptionAvailable: () => keychain.available,
      getSelectedStorageBackend: () => keychain.backend,
      encryptString: (plain: string) => Buffer.concat([Buffer.from(MARK), scramble(Buffer.from(plain))]),
      decryptString: (sealed: Buffer) => {
        if (!sealed.subarray(0, MARK.length).equals(Buffer.from(MARK))) throw new Error('Error while decrypting');
        return scramble(sealed.subarray(MARK.length)).toString();
      },
    },
  };
});

const { NO_KEYCHAIN, SafeStorageSecretStore } = await import('../../../electron/main/safe-storage-secret-store.ts');

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secrets-'));
  file = join(dir, 'secrets.json');
  keychain.available = true;
  keychain.backend = 'gnome_libsecret';
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('SafeStorageSecretStore', () => {
  it('gives back what was stored, across instances, and never writes the value in plain text', async () => {
    await new SafeStorageSecretStore(file).set('broker.password', 'hunter2-correct-horse');
    const secret = await new SafeStorageSecretStore(file).get('broker.password');
    expect(secret?.reveal()).toBe('hunter2-correct-horse');
    expect(String(secret)).toBe('***');
    expect(await readFile(file, 'utf8')).not.toContain('hunter2');
  });

  it('opens a secret synchronously for the config loader, which resolves references while validating', async () => {
    await new SafeStorageSecretStore(file).set('meters.35012345.key', '000102030405060708090A0B0C0D0E0F');
    const store = new SafeStorageSecretStore(file);
    expect(store.lookup('meters.35012345.key')).toBe('000102030405060708090A0B0C0D0E0F');
    expect(store.lookup('broker.password')).toBeUndefined();
  });

  it.skipIf(process.platform === 'win32')('keeps its file readable by the user only', async () => {
    await new SafeStorageSecretStore(file).set('meters.35012345.key', '000102030405060708090A0B0C0D0E0F');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('answers undefined for a secret never stored, and forgets a deleted one without touching the others', async () => {
    const store = new SafeStorageSecretStore(file);
    expect(await store.get('broker.password')).toBeUndefined();
    await Promise.all([store.set('a.key', 'one'), store.set('b.key', 'two'), store.set('c.key', 'three')]);
    await store.delete('b.key');
    expect((await store.get('a.key'))?.reveal()).toBe('one');
    expect(await store.get('b.key')).toBeUndefined();
    expect((await store.get('c.key'))?.reveal()).toBe('three');
  });

  it('refuses to store anything when the keychain is not available, and says what to do', async () => {
    keychain.available = false;
    const store = new SafeStorageSecretStore(file);
    await expect(store.set('broker.password', 'x')).rejects.toThrow(NO_KEYCHAIN);
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reports weak protection on Linux with only the basic_text backend, and OS protection elsewhere', () => {
    keychain.backend = 'basic_text';
    expect(new SafeStorageSecretStore(file, 'linux').protection()).toBe('weak');
    expect(new SafeStorageSecretStore(file, 'darwin').protection()).toBe('os');
    keychain.backend = 'kwallet6';
    expect(new SafeStorageSecretStore(file, 'linux').protection()).toBe('os');
  });

  it('refuses names that are not config paths', async () => {
    const store = new SafeStorageSecretStore(file);
    await expect(store.set('../escape', 'x')).rejects.toThrow(/not a secret name/);
    await expect(store.get('')).rejects.toThrow(/not a secret name/);
  });

  it('says which secret can no longer be decrypted, and refuses a damaged file instead of overwriting it', async () => {
    await new SafeStorageSecretStore(file).set('broker.password', 'x');
    const contents = JSON.parse(await readFile(file, 'utf8'));
    contents.secrets['broker.password'] = Buffer.from('from another machine').toString('base64');
    await writeFile(file, JSON.stringify(contents));
    const store = new SafeStorageSecretStore(file);
    await expect(store.get('broker.password')).rejects.toThrow(/broker.password.*again/);
    // The config loader then reports it missing, by name: the app starts and asks for it again.
    expect(store.lookup('broker.password')).toBeUndefined();
    await writeFile(file, '{"version":1,');
    expect(() => new SafeStorageSecretStore(file)).toThrow(/not a secrets file/);
  });
});
