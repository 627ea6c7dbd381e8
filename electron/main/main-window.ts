/**
 * The one window: the UI from the packaged files, in a sandboxed renderer that reaches the core only through the
 * preload's named functions. Its size and place are remembered between runs.
 */
import { BrowserWindow } from 'electron';
import { APP_ENTRY } from './app-origin.ts';
import { guardWebContents, type OpenExternal } from './web-guards.ts';
import { MIN_SIZE, saveWindowState, type WindowState } from './window-state.ts';

export interface MainWindowOptions {
  preload: string;
  state: WindowState;
  stateFile: string;
  openExternal: OpenExternal;
  /** Developer tools: in development only, not in installed builds. */
  devTools: boolean;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const { maximized: _maximized, ...bounds } = options.state;
  // One literal, so that reviewers and electronegativity see every security setting where the window is made.
  const window = new BrowserWindow({
    ...bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: 'Smartmeter Bridge',
    show: false,
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload: options.preload,
      devTools: options.devTools,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // A middle click would open a new window; none may open.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
      safeDialogs: true,
    },
  });
  guardWebContents(window.webContents, options.openExternal);
  window.once('ready-to-show', () => {
    if (options.state.maximized) window.maximize();
    window.show();
  });
  // 'close' comes before hiding to the tray too, so the size is kept whichever way the window goes.
  window.on('close', () =>
    saveWindowState(options.stateFile, { ...window.getNormalBounds(), maximized: window.isMaximized() }),
  );
  void window.loadURL(APP_ENTRY);
  return window;
}
