/**
 * The api contract (shared/api.ts) over Electron IPC, main side. A request is answered only when it comes from the
 * top frame of our own window showing our own page (app://bridge), and only when it matches the contract's schemas
 * (answerApiRequest, shared with `serve`); anything else is refused, never passed on. Bridge views are pushed to the
 * window a few times a second, other events (discovery's) as they come.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { ApiEvent, ApiResponse } from '../../shared/api.ts';
import type { Logger } from '../core/service/logger.ts';
import { answerApiRequest } from '../server/api-answer.ts';
import type { ApiBackend } from '../server/api-server.ts';
import { IPC_CHANNELS } from '../preload/ipc-channels.ts';
import { isAppUrl } from './app-origin.ts';

export const REFUSED_SENDER = 'refused: the request did not come from the app window';

/** Our window's top frame, showing our page: not an iframe, not a page it navigated to, not another window. */
export function isTrustedSender(
  event: IpcMainInvokeEvent,
  window: WebContents | undefined,
  isOwnPage: (url: string) => boolean = isAppUrl,
): boolean {
  const frame = event.senderFrame;
  return (
    window !== undefined && event.sender === window && frame !== null && frame.parent === null && isOwnPage(frame.url)
  );
}

export interface IpcApiOptions {
  ipcMain: IpcMain;
  backend: ApiBackend;
  /** The app window's contents, when there is one. */
  window: () => WebContents | undefined;
  log: Logger;
  /**
   * Whether a frame shows our page; default: its URL is on app://bridge. The e2e double serves the same page from
   * `serve` (test/e2e/ipc-transport-double.ts), so it names that origin instead.
   */
  isOwnPage?: (url: string) => boolean;
  /** Coalesce change events: at most one pushed view per this many ms; default 250. */
  pushIntervalMs?: number;
}

/** Answers requests and pushes views until the returned function is called. */
export function serveApiOverIpc(options: IpcApiOptions): () => void {
  const { ipcMain, backend, log } = options;
  ipcMain.handle(IPC_CHANNELS.request, (event, payload: unknown) => {
    if (!isTrustedSender(event, options.window(), options.isOwnPage)) {
      log.warn(`IPC request refused from ${event.senderFrame?.url ?? 'a closed frame'}`);
      return { id: null, ok: false, error: { message: REFUSED_SENDER } } satisfies ApiResponse;
    }
    return answerApiRequest(backend, payload);
  });

  let pending: NodeJS.Timeout | undefined;
  let stopped = false;
  const send = (event: ApiEvent) => {
    const window = options.window();
    if (window && !window.isDestroyed()) window.send(IPC_CHANNELS.event, event);
  };
  const push = () => {
    pending = undefined;
    const data = backend.getBridge();
    if (data) send({ event: 'bridge', data });
  };
  const stopEvents = backend.onEvent?.((event) => stopped || send(event));
  backend.onChange(() => {
    if (!stopped) pending ??= setTimeout(push, options.pushIntervalMs ?? 250);
  });
  return () => {
    stopped = true;
    clearTimeout(pending);
    stopEvents?.();
    ipcMain.removeHandler(IPC_CHANNELS.request);
  };
}
