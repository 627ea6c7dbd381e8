/**
 * The entry as Electron runs it, with Electron replaced by the double: the real BridgeService (embedded broker on a
 * free port, a TCP source), the real window, IPC, tray and quit wiring.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import type { ApiResponse } from '../../../shared/api.ts';
import { freePort } from '../../helpers/mosquitto.ts';
import { until } from '../../helpers/wait.ts';
import { fromWindow as windowSender, launch as launchIn } from './launch-entry.ts';

vi.mock('electron', () => import('./electron-double.ts'));

let dir: string;
beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'desktop-entry-'))));
afterAll(() => rm(dir, { recursive: true, force: true }));
const launch = (singleInstance: boolean) => launchIn(dir, singleInstance);

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/** The embedded broker stopped listening: the bridge has stopped, not just said so. */
const closed = (port: number) =>
  vi.waitFor(async () => expect(await accepts(port)).toBe(false), { timeout: 15_000, interval: 20 });

describe('a second start of the app', () => {
  it('leaves at once, without a window, a tray or a bridge', async () => {
    const double = await launch(false);
    expect(double.app.quitCalls).toBe(1);
    expect(double.BrowserWindow.created).toHaveLength(0);
    expect(double.Tray.created).toHaveLength(0);
  });
});

describe('a start with the session (login item)', () => {
  it('keeps a configured bridge in the tray, without opening the window', async () => {
    const appDir = join(dir, 'Smartmeter Bridge');
    await mkdir(appDir, { recursive: true });
    await writeFile(
      join(appDir, 'bridge.yaml'),
      stringify({
        embeddedBroker: { port: await freePort() },
        sources: [{ type: 'tcp', id: 'p1', host: '127.0.0.1', port: await freePort() }],
      }),
    );
    process.argv.push('--started-at-login');
    try {
      const double = await launch(true);
      await until(() => double.Tray.created.length > 0, 'the tray');
      expect(double.BrowserWindow.created).toHaveLength(0);
      double.Tray.created.at(-1)!.click('Open Smartmeter Bridge');
      expect(double.BrowserWindow.created).toHaveLength(1);
      double.Tray.created.at(-1)!.click('Quit');
      await until(() => double.app.quitted, 'the app to quit');
    } finally {
      process.argv.pop();
    }
  });
});

describe('the first start of the app', () => {
  it('runs the bridge, shows the UI, hides to the tray, pauses and quits cleanly', async () => {
    const brokerPort = await freePort();
    const appDir = join(dir, 'Smartmeter Bridge');
    await mkdir(appDir, { recursive: true });
    await writeFile(
      join(appDir, 'bridge.yaml'),
      stringify({
        embeddedBroker: { port: brokerPort },
        sources: [{ type: 'tcp', id: 'p1', host: '127.0.0.1', port: await freePort() }],
      }),
    );
    const double = await launch(true);
    await until(() => double.BrowserWindow.created.length === 1, 'the window');
    const window = double.BrowserWindow.created[0]!;
    const tray = double.Tray.created[0]!;

    expect(window.loadedUrl).toBe('app://bridge/index.html');
    expect(window.options.webPreferences?.preload).toMatch(/[\\/]preload[\\/]preload\.cjs$/);
    expect(double.session.defaultSession.protocolHandlers.has('app')).toBe(true);
    expect(existsSync((tray.icon as { path: string }).path)).toBe(true);

    const handler = double.ipcMain.handlers.get('smartmeter-bridge:api-request')!;
    const fromWindow = windowSender(double);
    const running = async (expected: boolean) =>
      vi.waitFor(
        async () => {
          const response = (await handler(fromWindow as never, { id: 1, method: 'getBridge' } as never)) as ApiResponse;
          expect(response.ok).toBe(expected);
        },
        { timeout: 15_000, interval: 20 },
      );
    await running(true);
    expect(await accepts(brokerPort)).toBe(true);

    // A meter is configured: closing the window keeps the bridge running; starting the app again shows it.
    expect(window.close()).toBe(true);
    expect(window.isVisible()).toBe(false);
    double.app.emit('second-instance');
    expect(window.isVisible()).toBe(true);

    const shellState = () =>
      (
        double.ipcMain.handlers.get('smartmeter-bridge:desktop')!(
          fromWindow as never,
          { method: 'state' } as never,
        ) as {
          result: { paused: boolean; settings: { closeToTray: boolean } };
        }
      ).result;
    expect(shellState()).toMatchObject({ paused: false, settings: { closeToTray: true } });

    tray.click('Pause publishing');
    expect(shellState().paused).toBe(true);
    await running(false);
    await closed(brokerPort);
    tray.click('Pause publishing');
    await running(true);

    tray.click('Quit');
    await until(() => double.app.quitted, 'the app to quit');
    await closed(brokerPort);
    expect(tray.destroyed).toBe(true);
  });
});
