import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BrowserWindow as FakeWindow } from './electron-double.ts';

vi.mock('electron', () => import('./electron-double.ts'));
const { createMainWindow } = await import('../../../electron/main/main-window.ts');
const { loadWindowState } = await import('../../../electron/main/window-state.ts');

let dir: string;
let stateFile: string;
const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
const open = (state = loadWindowState(stateFile, screen)) =>
  createMainWindow({
    preload: '/app/dist/preload/preload.cjs',
    state,
    stateFile,
    openExternal: vi.fn(),
    devTools: false,
  }) as unknown as FakeWindow;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'window-'));
  stateFile = join(dir, 'window-state.json');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('the main window', () => {
  it('runs the page isolated and sandboxed, without Node, with web security on', () => {
    const prefs = open().options.webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/dist/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
      devTools: false,
    });
  });

  it('loads the UI from the packaged files through app://, never a remote page or file://', () => {
    const window = open();
    expect(window.loadedUrl).toBe('app://bridge/index.html');
  });

  it('guards its page from the start: a link to another site does not replace the UI', () => {
    const window = open();
    expect(window.webContents.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(window.webContents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });

  it('opens with the size and place of the last run, maximized again if it was', async () => {
    const first = open();
    first.bounds = { x: 100, y: 50, width: 1300, height: 900 };
    first.maximized = true;
    first.close();
    const second = open();
    expect(second.options).toMatchObject({ x: 100, y: 50, width: 1300, height: 900 });
    second.emit('ready-to-show');
    expect(second.isMaximized()).toBe(true);
    expect(second.isVisible()).toBe(true);
  });

  it('forgets a place on a screen that is gone, and a damaged or absurd saved size', async () => {
    await writeFile(stateFile, JSON.stringify({ x: 3000, y: 200, width: 1000, height: 700, maximized: false }));
    expect(loadWindowState(stateFile, screen)).toEqual({ width: 1000, height: 700, maximized: false });
    await writeFile(stateFile, JSON.stringify({ width: 20, height: 10, maximized: false }));
    expect(loadWindowState(stateFile, screen)).toEqual({ width: 1200, height: 800, maximized: false });
    await writeFile(stateFile, '{"width":');
    expect(loadWindowState(stateFile, screen)).toEqual({ width: 1200, height: 800, maximized: false });
  });

  it('keeps working when the size cannot be saved', async () => {
    stateFile = join(dir, 'not-a-dir');
    await writeFile(stateFile, '');
    stateFile = join(stateFile, 'window-state.json');
    expect(() => open().close()).not.toThrow();
    await expect(readFile(stateFile)).rejects.toThrow();
  });
});
