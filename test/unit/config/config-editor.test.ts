/** Config changes through the api: validated, written back with comments kept, secrets kept out of the file. */
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigEditor } from '../../../electron/core/config/config-editor.ts';
import type { ResolvedConfig } from '../../../electron/core/config/load-config.ts';
import { FileSecretStore } from '../../../electron/core/secrets/file-secret-store.ts';
import { failureKind } from '../../../electron/core/config/test-broker-connection.ts';
import type { SourceConfig } from '../../../shared/config/schema.ts';

const KEY = '000102030405060708090A0B0C0D0E0F';

const YAML = `# My bridge, set up by the installer
broker:
  url: mqtt://192.0.2.10:1883 # the house's Home Assistant
  username: bridge
sources:
  # the P1 port in the hall
  - type: serial
    port: /dev/ttyUSB0
meters:
  35012345:
    alias: hall
`;

function setUp(text: string | null = YAML) {
  const dir = mkdtempSync(join(tmpdir(), 'smb-editor-'));
  const path = text === null ? undefined : join(dir, 'bridge.yaml');
  if (path && text !== null) writeFileSync(path, text);
  const secrets = new FileSecretStore(join(dir, 'secrets.json'));
  const applied: ResolvedConfig[] = [];
  const editor = new ConfigEditor({
    path,
    dataDir: join(dir, 'data'),
    secrets,
    env: {},
    apply: async (config) => void applied.push(config),
  });
  return { dir, path: editor.path, secrets, applied, editor };
}

describe('ConfigEditor', () => {
  it('writes a change into the YAML file keeping its comments, and applies it', async () => {
    const { editor, path, applied } = setUp();
    const result = await editor.patch({ meters: { '35012345': { alias: 'garage' } }, profile: { baseTopic: 'home' } });
    expect(result.ok).toBe(true);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('# My bridge, set up by the installer');
    expect(text).toContain("# the house's Home Assistant");
    expect(text).toContain('# the P1 port in the hall');
    expect(text).toMatch(/35012345:\n\s+alias: garage/);
    expect(text).toMatch(/baseTopic: home/);
    expect(applied.at(-1)?.meters['35012345']?.alias).toBe('garage');
    expect(applied.at(-1)?.profile.baseTopic).toBe('home');
  });

  it('refuses an invalid change with its key and reason and changes nothing', async () => {
    const { editor, path, applied } = setUp();
    const result = await editor.patch({ meters: { '35012345': { alias: 'no spaces/here' } } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.join('\n')).toMatch(/^meters\.35012345\.alias: expected 1 to 64 letters/);
    expect(readFileSync(path, 'utf8')).toBe(YAML);
    expect(applied).toEqual([]);
    expect(editor.view().config.meters['35012345']?.alias).toBe('hall');
  });

  it('keeps a key set from the UI in a 0600 secrets file, never in the config or its view', async () => {
    const { editor, path, dir, applied } = setUp();
    const result = await editor.setSecret(['meters', '35012345', 'key'], KEY);
    expect(result.ok).toBe(true);
    expect(readFileSync(path, 'utf8')).not.toContain(KEY);
    expect(readFileSync(path, 'utf8')).toContain('secret: meters.35012345.key');
    const secretsFile = join(dir, 'secrets.json');
    expect(readFileSync(secretsFile, 'utf8')).toContain(KEY);
    if (process.platform !== 'win32') expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    expect(Buffer.from(applied.at(-1)!.meters['35012345']!.key!.reveal()).toString('hex')).toBe(KEY.toLowerCase());
    const view = editor.view();
    expect(JSON.stringify(view)).not.toContain(KEY);
    expect(view.secrets['meters.35012345.key']).toBe('store');
    // A second editor (the next start) reads it back from the store.
    const again = new ConfigEditor({
      path,
      dataDir: dir,
      secrets: new FileSecretStore(secretsFile),
      env: {},
      apply: async () => {},
    });
    expect((await again.patch({})).ok).toBe(true);
  });

  it('takes the key of a meter not listed under meters yet (Meter settings of a meter just found)', async () => {
    const { editor, applied } = setUp();
    const result = await editor.setSecret(['meters', '99887766', 'key'], KEY);
    expect(result).toMatchObject({ ok: true });
    expect(Buffer.from(applied.at(-1)!.meters['99887766']!.key!.reveal()).toString('hex')).toBe(KEY.toLowerCase());
    expect((await editor.setSecret(['meters', '99887766', 'alias'], KEY)).ok).toBe(false);
  });

  it('refuses a key that is not one, storing nothing', async () => {
    const { editor, dir, path } = setUp();
    const result = await editor.setSecret(['meters', '35012345', 'key'], 'not a key');
    expect(result).toEqual({ ok: false, problems: ['meters.35012345.key: expected an AES-128 key of 32 hex digits'] });
    expect(existsSync(join(dir, 'secrets.json'))).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe(YAML);
  });

  it('never shows the UI login password, and lets it be set only as a secret', async () => {
    const { editor, path } = setUp(`${YAML}ui:\n  password: correct horse battery\n`);
    const view = editor.view();
    expect(JSON.stringify(view)).not.toContain('correct horse');
    expect(view.secrets['ui.password']).toBe('config');
    expect((await editor.patch({ ui: { password: 'another one' } })).ok).toBe(false);
    expect(readFileSync(path, 'utf8')).not.toContain('another one');
  });

  it('refuses a password given as text in a patch: secrets go through setSecret', async () => {
    const { editor, path } = setUp();
    const result = await editor.patch({ broker: { password: 'hunter2' } });
    expect(result.ok).toBe(false);
    expect(readFileSync(path, 'utf8')).not.toContain('hunter2');
  });

  it('removes a secret from the config and from the store', async () => {
    const { editor, secrets, path } = setUp();
    await editor.setSecret(['broker', 'password'], 'hunter2');
    expect(secrets.lookup('broker.password')).toBe('hunter2');
    expect((await editor.deleteSecret(['broker', 'password'])).ok).toBe(true);
    expect(secrets.lookup('broker.password')).toBeUndefined();
    expect(readFileSync(path, 'utf8')).not.toContain('password');
    expect(editor.view().secrets).toEqual({});
  });

  it('started without a config file, writes the first change to config.yaml in the data dir', async () => {
    const { editor, dir } = setUp(null);
    expect(editor.view()).toMatchObject({ created: false, path: join(dir, 'data', 'config.yaml') });
    expect((await editor.patch({ profile: { baseTopic: 'meters' } })).ok).toBe(true);
    expect(readFileSync(join(dir, 'data', 'config.yaml'), 'utf8')).toMatch(/baseTopic: meters/);
    expect(editor.view().created).toBe(true);
  });
});

describe('Test connection', () => {
  it('names a host that does not resolve a DNS failure', () => {
    const error = Object.assign(new Error('getaddrinfo ENOTFOUND broker.lan'), { code: 'ENOTFOUND' });
    expect(failureKind(error, 'network')).toBe('dns');
    expect(failureKind(Object.assign(new Error('x'), { code: 'EAI_AGAIN' }), 'network')).toBe('dns');
  });
});

describe('addSource', () => {
  it('adds the probed source with its key in the secret store, and keeps its key out of the file', async () => {
    const { editor, path, secrets, applied } = setUp();
    const result = await editor.addSource({ type: 'tcp', host: '192.0.2.7', port: 2001 } as SourceConfig, { key: KEY });
    expect(result.ok).toBe(true);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('# the P1 port in the hall');
    expect(text).not.toContain(KEY);
    expect(text).toContain('secret: sources.1.key');
    expect(secrets.lookup('sources.1.key')).toBe(KEY);
    expect(applied.at(-1)?.sources.map((s) => s.type)).toEqual(['serial', 'tcp']);
    // A later source at a taken name gets its own: removing a source shifts the others' indexes.
    await editor.patch({ sources: [editor.view().config.sources[1]!] });
    await editor.addSource({ type: 'tcp', host: '192.0.2.8', port: 2001 } as SourceConfig, {
      key: KEY.replace('0F', '1F'),
    });
    expect(secrets.lookup('sources.1.key')).toBe(KEY);
    expect(secrets.lookup('sources.1.key-2')).toBe(KEY.replace('0F', '1F'));
  });
});
