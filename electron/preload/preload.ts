/**
 * The page's only way to the core: named functions of the api contract (`window.smartmeterBridge`) and of the desktop
 * shell (`window.smartmeterDesktop`), put into the page with contextBridge. The page never gets ipcRenderer, an IPC
 * event object or a channel name; the main process checks every request anyway. Bundled to one CommonJS file, since
 * a sandboxed preload cannot load modules.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_METHOD_NAMES, type ApiMethod } from '../../shared/api-method-names.ts';
import type { ApiEvent, ApiResponse } from '../../shared/api.ts';
import type { DesktopState } from '../../renderer/src/api/ipc-transport.ts';
import type { DesktopResponse } from '../main/desktop-ipc.ts';
import {
  DESKTOP_API_NAME,
  DESKTOP_SHELL_NAME,
  IPC_CHANNELS,
  type DesktopApi,
  type DesktopShell,
} from './ipc-channels.ts';

let nextId = 1;

/** One contract request; `params` only when given (the main process refuses them for a method that takes none). */
async function call(method: ApiMethod, params?: unknown): Promise<unknown> {
  const request = params === undefined ? { id: nextId++, method } : { id: nextId++, method, params };
  const response = (await ipcRenderer.invoke(IPC_CHANNELS.request, request)) as ApiResponse;
  if (!response.ok) throw new Error(response.error.message);
  return response.result;
}

/** One named function per method of the contract, from its list of names. */
const methods = Object.fromEntries(
  API_METHOD_NAMES.map((method) => [method, (params?: unknown) => call(method, params)]),
) as Omit<DesktopApi, 'onEvent'>;

const api: DesktopApi = {
  ...methods,
  onEvent(listener) {
    // Only the message reaches the page: the IPC event would hand it `sender`, and with it ipcRenderer.
    const relay = (_event: IpcRendererEvent, message: ApiEvent) => listener(message);
    ipcRenderer.on(IPC_CHANNELS.event, relay);
    return () => void ipcRenderer.removeListener(IPC_CHANNELS.event, relay);
  },
};

async function desktop(request: object): Promise<DesktopState | undefined> {
  const response = (await ipcRenderer.invoke(IPC_CHANNELS.desktop, request)) as DesktopResponse;
  if (!response.ok) throw new Error(response.error.message);
  return response.result;
}

const shell: DesktopShell = {
  state: async () => (await desktop({ method: 'state' }))!,
  openLogFolder: async () => void (await desktop({ method: 'openLogFolder' })),
  setSettings: async (change) => (await desktop({ method: 'setSettings', change }))!,
};

contextBridge.exposeInMainWorld(DESKTOP_API_NAME, api);
contextBridge.exposeInMainWorld(DESKTOP_SHELL_NAME, shell);
