/**
 * Starts electron/main/main.ts as Electron would, on the double (the test file mocks `electron` with
 * electron-double.ts), and talks to it as its window does.
 */
import { join } from 'node:path';
import { vi } from 'vitest';
import type { ApiResponse } from '../../../shared/api.ts';

export type ElectronDouble = typeof import('./electron-double.ts');

/** A fresh double and a fresh entry module, as a new process would have them; `appData` is the user's folder. */
export async function launch(appData: string, singleInstance: boolean): Promise<ElectronDouble> {
  vi.resetModules();
  // The mocked module itself: the one the entry will import, whatever vitest kept across the reset.
  const double = (await import('electron')) as unknown as ElectronDouble;
  // A new process starts with nothing of the last one: no windows, trays, handlers or listeners.
  double.BrowserWindow.created.length = 0;
  double.Tray.created.length = 0;
  double.ipcMain.handlers.clear();
  double.app.removeAllListeners();
  Object.assign(double.app, { quitCalls: 0, quitted: false });
  double.app.singleInstance = singleInstance;
  double.app.paths = { appData, logs: join(appData, 'logs') };
  await import('../../../electron/main/main.ts');
  return double;
}

/** What the app window's own page sends with each request. */
export function fromWindow(double: ElectronDouble) {
  const window = double.BrowserWindow.created.at(-1)!;
  return { sender: window.webContents, senderFrame: { url: 'app://bridge/index.html', parent: null } };
}

let nextId = 1;

/** One api request from the window, answered by the main process. */
export async function callApi(double: ElectronDouble, method: string, params?: unknown): Promise<ApiResponse> {
  const handler = double.ipcMain.handlers.get('smartmeter-bridge:api-request')!;
  const request = params === undefined ? { id: nextId++, method } : { id: nextId++, method, params };
  return (await handler(fromWindow(double) as never, request as never)) as ApiResponse;
}
