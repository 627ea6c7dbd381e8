/** The headless secret store: a 0600 file that survives restarts and is never overwritten when it is not ours. */
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSecretStore } from '../../../electron/core/secrets/file-secret-store.ts';
import { SecretStoreError } from '../../../electron/core/secrets/secret-store.ts';

const fileIn = () => join(mkdtempSync(join(tmpdir(), 'smb-secrets-')), 'secrets.json');

describe('FileSecretStore', () => {
  it('keeps secrets across a restart, in a file only its user can read', async () => {
    const path = fileIn();
    const store = new FileSecretStore(path);
    expect(store.protection()).toBe('file');
    await store.set('broker.password', 'hunter2');
    const again = new FileSecretStore(path);
    expect((await again.get('broker.password'))?.reveal()).toBe('hunter2');
    expect(String(await again.get('broker.password'))).toBe('***');
    if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('narrows a file made readable by others on its next write', async () => {
    if (process.platform === 'win32') return;
    const path = fileIn();
    await new FileSecretStore(path).set('a', '1');
    chmodSync(path, 0o644);
    await new FileSecretStore(path).set('b', '2');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('refuses a file that is not a secrets file rather than overwrite it', () => {
    const path = fileIn();
    writeFileSync(path, 'broker: not json\n');
    expect(() => new FileSecretStore(path)).toThrow(SecretStoreError);
    expect(readFileSync(path, 'utf8')).toBe('broker: not json\n');
  });

  it('refuses a name that could not be a config path', async () => {
    const store = new FileSecretStore(fileIn());
    await expect(store.set('../etc/passwd', 'x')).rejects.toThrow(SecretStoreError);
    await store.delete('never-set');
  });
});
