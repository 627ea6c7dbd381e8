/**
 * The settings methods against the real `serve` started without --config: it reads the config saved from the UI in
 * its data dir and writes changes back there with the file's comments kept; keys go to secrets.json, never to the
 * page or the config file.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../helpers/mosquitto.ts';
import { terminate } from '../../helpers/process.ts';
import { until } from '../../helpers/wait.ts';
import { connectApi, type ApiClient } from './api-client.ts';

const BIN = fileURLToPath(new URL('../../../bin/smartmeter-bridge.js', import.meta.url));
const KEY = '00112233445566778899AABBCCDDEEFF';
let dir: string;
let api: ApiClient;
let serve: ReturnType<typeof spawn>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smb-settings-'));
  const port = await freePort();
  mkdirSync(join(dir, 'data'));
  // As a first save from the UI left it, then commented by hand.
  writeFileSync(
    join(dir, 'data', 'config.yaml'),
    `# saved from the UI, then commented by hand\nui:\n  port: ${port}\nembeddedBroker:\n  port: ${await freePort()}\n`,
  );
  serve = spawn(process.execPath, [BIN, 'serve', '--data-dir', join(dir, 'data')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  serve.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  await until(() => stderr.includes('UI and api on') || serve.exitCode !== null, `serve started (${stderr})`, 60_000);
  api = await connectApi(port);
}, 90_000);

afterAll(async () => {
  api?.close();
  if (serve) await terminate(serve);
  rmSync(dir, { recursive: true, force: true });
});

describe('settings through the api of serve without --config', () => {
  it('reads and writes the config in the data dir, keeping its comment', async () => {
    const view = await api.call('getConfig');
    expect(view).toMatchObject({ ok: true, result: { path: join(dir, 'data', 'config.yaml'), created: true } });
    const patched = await api.call('patchConfig', { patch: { meters: { '35012345': { alias: 'hall' } } } });
    expect(patched).toMatchObject({ ok: true, result: { ok: true } });
    const text = readFileSync(join(dir, 'data', 'config.yaml'), 'utf8');
    expect(text).toContain('# saved from the UI, then commented by hand');
    expect(text).toMatch(/alias: hall/);
  });

  it('refuses an invalid change by key and reason, changing nothing', async () => {
    const before = readFileSync(join(dir, 'data', 'config.yaml'), 'utf8');
    const answer = await api.call('patchConfig', { patch: { broker: { url: 'http://example' } } });
    expect(answer).toMatchObject({
      ok: true,
      result: { ok: false, problems: [expect.stringMatching(/^broker\.url: /)] },
    });
    expect(readFileSync(join(dir, 'data', 'config.yaml'), 'utf8')).toBe(before);
  });

  it('keeps a key in secrets.json, shows it only as set, and never writes it to the config', async () => {
    const answer = await api.call('setSecret', { path: ['meters', '35012345', 'key'], value: KEY });
    expect(answer).toMatchObject({ ok: true, result: { ok: true } });
    expect(JSON.stringify(answer)).not.toContain(KEY);
    const view = await api.call('getConfig');
    expect(view).toMatchObject({ result: { secrets: { 'meters.35012345.key': 'store' }, protection: 'file' } });
    expect(JSON.stringify(view)).not.toContain(KEY);
    expect(readFileSync(join(dir, 'data', 'config.yaml'), 'utf8')).not.toContain(KEY);
    expect(readFileSync(join(dir, 'data', 'secrets.json'), 'utf8')).toContain(KEY);
  });
});
