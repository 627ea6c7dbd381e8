/**
 * The desktop app's own functions beside the api (settings, secret protection, log folder), over their own IPC
 * channel, with the same sender check as the api and a strict schema: nothing else is accepted.
 */
import type { IpcMain, WebContents } from 'electron';
import { z } from 'zod';
import type { Logger } from '../core/service/logger.ts';
import { IPC_CHANNELS } from '../preload/ipc-channels.ts';
import type { DesktopSettings, DesktopState } from '../../renderer/src/api/ipc-transport.ts';
import { isTrustedSender, REFUSED_SENDER } from './ipc-api.ts';

export const desktopRequestSchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('state') }),
  z.strictObject({ method: z.literal('openLogFolder') }),
  z.strictObject({
    method: z.literal('setSettings'),
    change: z.strictObject({
      closeToTray: z.boolean().optional(),
      startAtLogin: z.boolean().optional(),
      updateCheck: z.enum(['ask', 'on', 'off']).optional(),
    }),
  }),
]);

export type DesktopResponse = { ok: true; result?: DesktopState } | { ok: false; error: { message: string } };

export interface DesktopActions {
  state(): DesktopState;
  openLogFolder(): void;
  setSettings(change: Partial<DesktopSettings>): void;
}

export function serveDesktopOverIpc(options: {
  ipcMain: IpcMain;
  window: () => WebContents | undefined;
  actions: DesktopActions;
  log: Logger;
  /** As for the api's channel (IpcApiOptions): whether a frame shows our page; default app://bridge. */
  isOwnPage?: (url: string) => boolean;
}): () => void {
  const { actions } = options;
  options.ipcMain.handle(IPC_CHANNELS.desktop, (event, payload: unknown): DesktopResponse => {
    if (!isTrustedSender(event, options.window(), options.isOwnPage)) {
      options.log.warn(`IPC request refused from ${event.senderFrame?.url ?? 'a closed frame'}`);
      return { ok: false, error: { message: REFUSED_SENDER } };
    }
    const parsed = desktopRequestSchema.safeParse(payload);
    if (!parsed.success) return { ok: false, error: { message: `not a request: ${parsed.error.issues[0]?.message}` } };
    const request = parsed.data;
    if (request.method === 'openLogFolder') actions.openLogFolder();
    if (request.method === 'setSettings') actions.setSettings(request.change);
    return { ok: true, result: request.method === 'openLogFolder' ? undefined : actions.state() };
  });
  return () => options.ipcMain.removeHandler(IPC_CHANNELS.desktop);
}
