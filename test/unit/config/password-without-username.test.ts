/**
 * MQTT forbids a password without a username: such a config used to make the bridge's own connection fail forever
 * ("the broker closed the connection") and left the embedded broker open to anonymous clients. It is refused at load
 * (serve exits 2 naming the key) and through the api, and the Broker page's username and password go in one change.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigEditor } from '../../../electron/core/config/config-editor.ts';
import { validateConfig } from '../../../electron/core/config/load-config.ts';
import { FileSecretStore } from '../../../electron/core/secrets/file-secret-store.ts';

const BIN = fileURLToPath(new URL('../../../bin/smartmeter-bridge.js', import.meta.url));
const PROBLEM = /password: a password needs a username/;

function problems(config: unknown): string[] {
  const r = validateConfig(config, tmpdir(), {}, () => undefined);
  return r.ok ? [] : r.problems;
}

function editor() {
  const dir = mkdtempSync(join(tmpdir(), 'smb-pw-'));
  const secrets = new FileSecretStore(join(dir, 'secrets.json'));
  const applied: unknown[] = [];
  const edit = new ConfigEditor({ dataDir: dir, secrets, env: {}, apply: async (c) => void applied.push(c) });
  return { edit, secrets, applied };
}

describe('a broker password without a username', () => {
  it.each([
    ['broker.password', { broker: { url: 'mqtt://127.0.0.1:1883', password: 'x' } }],
    ['embeddedBroker.password', { embeddedBroker: { password: 'x' } }],
    ['sources[0].password', { sources: [{ type: 'mqtt', gateway: 'tasmota', password: 'x' }] }],
  ])('is refused at load, naming %s', (key, config) => {
    const found = problems(config);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${key.replace(/[.[\]]/g, '\\$&')}: a password needs a username`));
    // The value never appears in the message.
    expect(found[0]).not.toMatch(/"x"/);
  });

  it('is accepted with its username', () => {
    expect(problems({ broker: { url: 'mqtt://h:1883', username: 'u', password: 'x' } })).toEqual([]);
    expect(problems({ embeddedBroker: { username: 'u', password: 'x' } })).toEqual([]);
  });

  it('makes serve exit 2 naming the key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'smb-pw-serve-'));
    const config = join(dir, 'bridge.yaml');
    writeFileSync(config, 'embeddedBroker:\n  password: secret-one\n');
    const run = spawnSync(process.execPath, [BIN, 'serve', '--config', config, '--data-dir', join(dir, 'data')], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/embeddedBroker\.password: a password needs a username/);
    expect(run.stderr).not.toContain('secret-one');
  });

  it('is refused through the api, and nothing is applied or stored', async () => {
    const { edit, secrets, applied } = editor();
    const alone = await edit.setSecret(['embeddedBroker', 'password'], 'x');
    expect(alone).toEqual({ ok: false, problems: [expect.stringMatching(PROBLEM)] });
    const patched = await edit.patch({ embeddedBroker: { host: '127.0.0.1' } }, [
      { path: ['embeddedBroker', 'password'], value: 'x' },
    ]);
    expect(patched.ok).toBe(false);
    expect(applied).toEqual([]);
    expect(secrets.lookup('embeddedBroker.password')).toBeUndefined();
  });

  it('is saved with its username in one change (the Broker page)', async () => {
    const { edit, secrets } = editor();
    const result = await edit.patch({ broker: { url: 'mqtt://127.0.0.1:1883', username: 'bridge' } }, [
      { path: ['broker', 'password'], value: 'pw' },
    ]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.broker.username).toBe('bridge');
    expect(secrets.lookup('broker.password')).toBe('pw');
    expect(edit.view().secrets).toEqual({ 'broker.password': 'store' });
  });

  it('refuses a secret at a path that is not a secret field', async () => {
    const { edit } = editor();
    const result = await edit.patch({}, [{ path: ['profile', 'baseTopic'], value: 'x' }]);
    expect(result).toEqual({ ok: false, problems: ['profile.baseTopic: not a secret field'] });
  });
});
