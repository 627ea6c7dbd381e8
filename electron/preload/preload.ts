/**
 * The page's only way to the core: named functions of the api contract (`window.smartmeterBridge`) and of the desktop
 * shell (`window.smartmeterDesktop`), put into the page with contextBridge. The page never gets ipcRenderer, an IPC
 * event object or a channel name; the main process checks every request anyway. Bundled to one CommonJS file, since
 * a sandboxed preload cannot load modules.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type {
  ApiEvent,
  ApiMethod,
  ApiResponse,
  DiscoveryEvent,
  DiscoveryMethod,
  DiscoveryResponse,
} from '../../shared/api.ts';
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

/** One contract request; `params` only for the methods that take them (the schemas refuse a stray key). */
async function call<R>(method: ApiMethod | DiscoveryMethod, params?: object): Promise<R> {
  const request = params === undefined ? { id: nextId++, method } : { id: nextId++, method, params };
  const response = (await ipcRenderer.invoke(IPC_CHANNELS.request, request)) as ApiResponse | DiscoveryResponse;
  if (!response.ok) throw new Error(response.error.message);
  return response.result as R;
}

const api: DesktopApi = {
  getBridge: () => call('getBridge'),
  listSerialPorts: () => call('listSerialPorts'),
  discoveryList: () => call('discoveryList'),
  discoveryProbe: (params) => call('discoveryProbe', params),
  discoveryScan: (params) => call('discoveryScan', params),
  discoveryStopScan: () => call('discoveryStopScan'),
  discoveryBrowseMdns: () => call('discoveryBrowseMdns'),
  discoveryAdopt: (params) => call('discoveryAdopt', params),
  onEvent(listener) {
    // Only the message reaches the page: the IPC event would hand it `sender`, and with it ipcRenderer.
    const relay = (_event: IpcRendererEvent, message: ApiEvent | DiscoveryEvent) => listener(message);
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
