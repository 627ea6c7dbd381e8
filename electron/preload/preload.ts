/**
 * The page's only way to the core: named functions of the api contract, put into the page with contextBridge. The
 * page never gets ipcRenderer, an IPC event object or a channel name; the main process checks every request anyway.
 * Bundled to one CommonJS file, since a sandboxed preload cannot load modules.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiEvent, ApiMethod, ApiMethods, ApiResponse } from '../../shared/api.ts';
import { DESKTOP_API_NAME, IPC_CHANNELS, type DesktopApi } from './ipc-channels.ts';

let nextId = 1;

async function call<M extends ApiMethod>(method: M): Promise<ApiMethods[M]> {
  const response = (await ipcRenderer.invoke(IPC_CHANNELS.request, { id: nextId++, method })) as ApiResponse;
  if (!response.ok) throw new Error(response.error.message);
  return response.result as ApiMethods[M];
}

const api: DesktopApi = {
  getBridge: () => call('getBridge'),
  listSerialPorts: () => call('listSerialPorts'),
  onEvent(listener) {
    // Only the message reaches the page: the IPC event would hand it `sender`, and with it ipcRenderer.
    const relay = (_event: IpcRendererEvent, message: ApiEvent) => listener(message);
    ipcRenderer.on(IPC_CHANNELS.event, relay);
    return () => void ipcRenderer.removeListener(IPC_CHANNELS.event, relay);
  },
};

contextBridge.exposeInMainWorld(DESKTOP_API_NAME, api);
