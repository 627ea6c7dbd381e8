import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DesktopState } from '../../../renderer/src/api/ipc-transport.ts';

vi.mock('electron', () => import('./electron-double.ts'));
const { FakeWebContents, ipcMain } = await import('./electron-double.ts');
const { serveDesktopOverIpc } = await import('../../../electron/main/desktop-ipc.ts');
const { REFUSED_SENDER } = await import('../../../electron/main/ipc-api.ts');

const state: DesktopState = {
  secretProtection: 'weak',
  paused: false,
  settings: { closeToTray: true, startAtLogin: false, updateCheck: 'ask' },
};
const actions = { state: vi.fn(() => state), openLogFolder: vi.fn(), setSettings: vi.fn() };
let window: InstanceType<typeof FakeWebContents>;
let stop: () => void;
beforeEach(() => {
  window = new FakeWebContents();
  stop = serveDesktopOverIpc({
    ipcMain: ipcMain as unknown as Electron.IpcMain,
    window: () => window as unknown as Electron.WebContents,
    actions,
    log: { debug() {}, info() {}, warn() {}, error() {} },
  });
  vi.clearAllMocks();
});
afterEach(() => stop());

const ask = (payload: unknown, url = 'app://bridge/index.html') =>
  (ipcMain.handlers.get('smartmeter-bridge:desktop') as (e: unknown, p: unknown) => unknown)(
    { sender: window, senderFrame: { url, parent: null } },
    payload,
  );

describe("the desktop shell's own functions", () => {
  it('tell the page how safely secrets are kept, so it can warn on Linux without a keyring', () => {
    expect(ask({ method: 'state' })).toEqual({ ok: true, result: state });
  });

  it('open the log folder and change the settings on request', () => {
    expect(ask({ method: 'openLogFolder' })).toEqual({ ok: true });
    expect(actions.openLogFolder).toHaveBeenCalledOnce();
    expect(ask({ method: 'setSettings', change: { updateCheck: 'on', closeToTray: false } })).toEqual({
      ok: true,
      result: state,
    });
    expect(actions.setSettings).toHaveBeenCalledWith({ updateCheck: 'on', closeToTray: false });
  });

  it('refuse a forged sender and anything the schema does not know, before acting', () => {
    expect(ask({ method: 'openLogFolder' }, 'https://evil.example/')).toEqual({
      ok: false,
      error: { message: REFUSED_SENDER },
    });
    for (const payload of [
      { method: 'openPath', path: '/etc' },
      { method: 'setSettings', change: { updateCheck: 'always' } },
      { method: 'setSettings', change: { logDir: '/tmp' } },
      { method: 'state', extra: 1 },
      'state',
    ]) {
      expect(ask(payload), JSON.stringify(payload)).toMatchObject({ ok: false });
    }
    expect(actions.openLogFolder).not.toHaveBeenCalled();
    expect(actions.setSettings).not.toHaveBeenCalled();
  });
});
