import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-double.ts'));
const { BrowserWindow, Tray } = await import('./electron-double.ts');
const { createTray, hideOnClose } = await import('../../../electron/main/tray.ts');
const { trayLabels } = await import('../../../electron/main/tray-labels.ts');
const TRAY_LABELS = trayLabels('en');
const { DesktopSettings } = await import('../../../electron/main/desktop-settings.ts');

function trayWith(overrides: Partial<Parameters<typeof createTray>[1]> = {}, locale = 'en-US') {
  const state = { paused: false, keep: true };
  const actions = {
    open: vi.fn(),
    paused: () => state.paused,
    setPaused: vi.fn((p: boolean) => void (state.paused = p)),
    keepRunningWhenClosed: () => state.keep,
    setKeepRunningWhenClosed: vi.fn((on: boolean) => void (state.keep = on)),
    openLogFolder: vi.fn(),
    quit: vi.fn(),
    update: (): { version: string } | undefined => undefined,
    openUpdate: vi.fn(),
    ...overrides,
  };
  createTray({} as Electron.NativeImage, actions, trayLabels(locale));
  return { tray: Tray.created.at(-1)!, actions, state };
}

describe('the tray menu', () => {
  it('offers open, pause publishing, keep running, log folder and quit', () => {
    const { tray } = trayWith();
    expect(tray.menu.filter((i) => i.label).map((i) => i.label)).toEqual([
      TRAY_LABELS.open,
      TRAY_LABELS.pause,
      TRAY_LABELS.keepRunning,
      TRAY_LABELS.logs,
      TRAY_LABELS.quit,
    ]);
  });

  it('speaks the system language among the UI’s (de, fr, it), English otherwise', () => {
    expect(trayWith({}, 'de-CH').tray.item('Veröffentlichen pausieren')).toBeDefined();
    expect(trayWith({}, 'fr-CH').tray.item('Quitter')).toBeDefined();
    expect(trayWith({}, 'it').tray.item('Esci')).toBeDefined();
    expect(trayWith({}, 'ja-JP').tray.item('Quit')).toBeDefined();
    const { tray } = trayWith({ paused: () => true }, 'de-CH');
    expect(tray.tooltip).toBe('Smartmeter Bridge (pausiert)');
  });

  it('opens the window from the menu and from a click on the icon', () => {
    const { tray, actions } = trayWith();
    tray.click(TRAY_LABELS.open);
    tray.emit('click');
    expect(actions.open).toHaveBeenCalledTimes(2);
  });

  it('pauses and resumes publishing, showing the state in the menu and the tooltip', () => {
    const { tray, actions } = trayWith();
    expect(tray.item(TRAY_LABELS.pause)?.checked).toBe(false);
    tray.click(TRAY_LABELS.pause);
    expect(actions.setPaused).toHaveBeenLastCalledWith(true);
    expect(tray.item(TRAY_LABELS.pause)?.checked).toBe(true);
    expect(tray.tooltip).toMatch(/paused/);
    tray.click(TRAY_LABELS.pause);
    expect(actions.setPaused).toHaveBeenLastCalledWith(false);
    expect(tray.item(TRAY_LABELS.pause)?.checked).toBe(false);
    expect(tray.tooltip).not.toMatch(/paused/);
  });

  it('switches keeping the bridge running when the window is closed', () => {
    const { tray, state } = trayWith();
    tray.click(TRAY_LABELS.keepRunning);
    expect(state.keep).toBe(false);
    expect(tray.item(TRAY_LABELS.keepRunning)?.checked).toBe(false);
  });

  it('opens the log folder and quits on request', () => {
    const { tray, actions } = trayWith();
    tray.click(TRAY_LABELS.logs);
    tray.click(TRAY_LABELS.quit);
    expect(actions.openLogFolder).toHaveBeenCalledOnce();
    expect(actions.quit).toHaveBeenCalledOnce();
  });
});

describe('an update the user agreed to look for', () => {
  it('shows at the top of the menu only when there is one, and opens its release page', () => {
    expect(trayWith().tray.menu.some((i) => i.label?.startsWith(TRAY_LABELS.update))).toBe(false);
    const { tray, actions } = trayWith({ update: () => ({ version: '0.2.0' }) });
    expect(tray.menu[0]?.label).toBe(`${TRAY_LABELS.update} 0.2.0`);
    tray.click(`${TRAY_LABELS.update} 0.2.0`);
    expect(actions.openUpdate).toHaveBeenCalledOnce();
  });
});

describe('closing the window', () => {
  const window = (keep: boolean, quitting = false) => {
    const w = new BrowserWindow({});
    w.show();
    hideOnClose(
      w as unknown as Electron.BrowserWindow,
      () => keep,
      () => quitting,
    );
    return w;
  };

  it('hides it to the tray while keeping the bridge running is on', () => {
    const w = window(true);
    expect(w.close()).toBe(true);
    expect(w.isVisible()).toBe(false);
  });

  it('closes it when the setting is off, or when the app is quitting', () => {
    expect(window(false).close()).toBe(false);
    expect(window(true, true).close()).toBe(false);
  });
});

describe('the desktop settings', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'settings-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keep running in the tray by default once a meter is configured, until the user says otherwise', () => {
    const settings = new DesktopSettings(join(dir, 'settings.json'));
    expect(settings.closeToTray(false)).toBe(false);
    expect(settings.closeToTray(true)).toBe(true);
    settings.update({ closeToTray: false });
    expect(new DesktopSettings(join(dir, 'settings.json')).closeToTray(true)).toBe(false);
  });

  it('make no update check until the user consented', async () => {
    expect(new DesktopSettings(join(dir, 'settings.json')).get().updateCheck).toBe('ask');
    new DesktopSettings(join(dir, 'settings.json')).update({ updateCheck: 'on' });
    expect(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'))).toMatchObject({ updateCheck: 'on' });
  });

  it('fall back field by field when the file is damaged or from a newer version', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ startAtLogin: true, updateCheck: 'hourly' }));
    expect(new DesktopSettings(join(dir, 'settings.json')).get()).toEqual({ startAtLogin: true, updateCheck: 'ask' });
    await writeFile(join(dir, 'settings.json'), '{');
    expect(new DesktopSettings(join(dir, 'settings.json')).get()).toEqual({ startAtLogin: false, updateCheck: 'ask' });
  });
});
