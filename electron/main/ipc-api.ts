/**
 * The api contract (shared/api.ts) over Electron IPC, main side. A request is answered only when it comes from the
 * top frame of our own window showing our own page (app://bridge), and only when it matches the contract's schema;
 * anything else is refused and counted, never passed on. Bridge views are pushed to the window a few times a second.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { apiRequestSchema, type ApiEvent, type ApiResponse } from '../../shared/api.ts';
import type { Logger } from '../core/service/logger.ts';
import type { ApiBackend } from '../server/api-server.ts';
import { IPC_CHANNELS } from '../preload/ipc-channels.ts';
import { isAppUrl } from './app-origin.ts';

export const REFUSED_SENDER = 'refused: the request did not come from the app window';

/** Our window's top frame, showing our page: not an iframe, not a page it navigated to, not another window. */
export function isTrustedSender(event: IpcMainInvokeEvent, window: WebContents | undefined): boolean {
  const frame = event.senderFrame;
  return (
    window !== undefined && event.sender === window && frame !== null && frame.parent === null && isAppUrl(frame.url)
  );
}

async function answer(backend: ApiBackend, payload: unknown): Promise<ApiResponse> {
  const parsed = apiRequestSchema.safeParse(payload);
  if (!parsed.success) {
    return { id: null, ok: false, error: { message: `not a request: ${parsed.error.issues[0]?.message}` } };
  }
  const { id, method } = parsed.data;
  try {
    const result = method === 'getBridge' ? backend.getBridge() : await backend.listSerialPorts();
    if (result === undefined) return { id, ok: false, error: { message: 'the bridge is not running' } };
    return { id, ok: true, result };
  } catch (e) {
    return { id, ok: false, error: { message: (e as Error).message } };
  }
}

export interface IpcApiOptions {
  ipcMain: IpcMain;
  backend: ApiBackend;
  /** The app window's contents, when there is one. */
  window: () => WebContents | undefined;
  log: Logger;
  /** Coalesce change events: at most one pushed view per this many ms; default 250. */
  pushIntervalMs?: number;
}

/** Answers requests and pushes views until the returned function is called. */
export function serveApiOverIpc(options: IpcApiOptions): () => void {
  const { ipcMain, backend, log } = options;
  ipcMain.handle(IPC_CHANNELS.request, (event, payload: unknown) => {
    if (!isTrustedSender(event, options.window())) {
      log.warn(`IPC request refused from ${event.senderFrame?.url ?? 'a closed frame'}`);
      return { id: null, ok: false, error: { message: REFUSED_SENDER } } satisfies ApiResponse;
    }
    return answer(backend, payload);
  });

  let pending: NodeJS.Timeout | undefined;
  let stopped = false;
  const push = () => {
    pending = undefined;
    const window = options.window();
    const data = backend.getBridge();
    if (window && !window.isDestroyed() && data)
      window.send(IPC_CHANNELS.event, { event: 'bridge', data } satisfies ApiEvent);
  };
  backend.onChange(() => {
    if (!stopped) pending ??= setTimeout(push, options.pushIntervalMs ?? 250);
  });
  return () => {
    stopped = true;
    clearTimeout(pending);
    ipcMain.removeHandler(IPC_CHANNELS.request);
  };
}
