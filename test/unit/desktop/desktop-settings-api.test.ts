/**
 * The desktop app's settings methods, through the main process's IPC handler (Electron played by the double): the
 * same handler table as `serve`, with meter keys and passwords sealed by the keychain (safeStorage) instead of the
 * headless service's plain file, and the protection the UI shows for them.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import type { BridgeView, SettingsView } from '../../../shared/api.ts';
import { freePort } from '../../helpers/mosquitto.ts';
import { until } from '../../helpers/wait.ts';
import { callApi, fromWindow, launch, type ElectronDouble } from './launch-entry.ts';

vi.mock('electron', () => import('./electron-double.ts'));

const KEY = '5AD84121D9D20B364B7A11F3C1B5827F';

let dir: string;
let appDir: string;
let double: ElectronDouble | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'desktop-settings-'));
  appDir = join(dir, 'Smartmeter Bridge');
  await mkdir(appDir, { recursive: true });
  await writeFile(join(appDir, 'bridge.yaml'), stringify({ embeddedBroker: { port: await freePort() } }));
});
afterEach(async () => {
  double?.app.quit();
  if (double) await until(() => double!.app.quitted, 'the app to quit');
  double = undefined;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function start(): Promise<ElectronDouble> {
  double = await launch(dir, true);
  await until(() => double!.BrowserWindow.created.length === 1, 'the window');
  return double;
}

/** The running bridge reads that source (the bridge starts, or applies a change, a moment after the call). */
const runsSource = (app: ElectronDouble, id: string) =>
  vi.waitFor(
    async () => {
      const response = await callApi(app, 'getBridge');
      expect(response.ok && (response.result as BridgeView).sources.map((s) => s.id)).toEqual([id]);
    },
    { timeout: 15_000, interval: 20 },
  );

const result = async <T>(pending: Promise<{ ok: boolean; result?: unknown }>) => {
  const response = await pending;
  if (!response.ok) throw new Error(JSON.stringify(response));
  return response.result as T;
};

describe('settings in the desktop app', () => {
  it('adds a meter with its key: applied live, the key sealed by the keychain and there after a restart', async () => {
    const app = await start();
    const view = await result<SettingsView>(callApi(app, 'getConfig'));
    expect(view).toMatchObject({ path: join(appDir, 'bridge.yaml'), protection: 'os' });

    const source = { type: 'tcp', id: 'p1', host: '127.0.0.1', port: await freePort() };
    const added = await result<{ ok: boolean; settings: SettingsView }>(
      callApi(app, 'addSource', { source, key: KEY }),
    );
    expect(added).toMatchObject({ ok: true, settings: { secrets: { 'sources.0.key': 'store' } } });
    await runsSource(app, 'p1');
    // The config names the secret; the secrets file holds it sealed, never as text.
    expect(await readFile(join(appDir, 'bridge.yaml'), 'utf8')).not.toContain(KEY);
    const sealed = await readFile(join(appDir, 'secrets.json'), 'utf8');
    expect(sealed).toContain('sources.0.key');
    expect(sealed).not.toContain(KEY);

    app.app.quit();
    await until(() => app.app.quitted, 'the app to quit');
    // The next start reads the key back through the keychain: the config with its reference is valid.
    const again = await start();
    expect(again.dialog.errors).toEqual([]);
    await runsSource(again, 'p1');
  });

  it('keeps a change made while paused from the tray, and runs with it once resumed', async () => {
    const app = await start();
    const tray = app.Tray.created.at(-1)!;
    tray.click('Pause publishing');
    const source = { type: 'tcp', id: 'p2', host: '127.0.0.1', port: await freePort() };
    expect(await result(callApi(app, 'patchConfig', { patch: { sources: [source] } }))).toMatchObject({ ok: true });
    tray.click('Pause publishing');
    await runsSource(app, 'p2');
  });

  it('refuses a change that does not validate, with its key and reason, and changes nothing', async () => {
    const app = await start();
    const before = await readFile(join(appDir, 'bridge.yaml'), 'utf8');
    const refused = await result<{ ok: boolean; problems: string[] }>(
      callApi(app, 'patchConfig', { patch: { broker: { url: 'not a url' } } }),
    );
    expect(refused.ok).toBe(false);
    expect(refused.problems.join()).toMatch(/^broker\.url: /);
    expect(await readFile(join(appDir, 'bridge.yaml'), 'utf8')).toBe(before);
  });

  it.runIf(process.platform === 'linux')('says secrets are only obscured on Linux without a keyring', async () => {
    const app = await start();
    const backend = vi.spyOn(app.safeStorage, 'getSelectedStorageBackend').mockReturnValue('basic_text');
    try {
      expect(await result<SettingsView>(callApi(app, 'getConfig'))).toMatchObject({ protection: 'weak' });
      const shell = app.ipcMain.handlers.get('smartmeter-bridge:desktop')!;
      const state = shell(fromWindow(app) as never, { method: 'state' } as never) as {
        result: { secretProtection: string };
      };
      expect(state.result.secretProtection).toBe('weak');
    } finally {
      backend.mockRestore();
    }
  });
});
