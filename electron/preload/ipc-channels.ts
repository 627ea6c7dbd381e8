/**
 * The only IPC channels between the window and the main process: one for the api's requests (invoke), one for its
 * events (main → window). Nothing else is listened to or sent.
 */
import type { ApiEvent, ApiMethod, ApiMethods } from '../../shared/api.ts';

export const IPC_CHANNELS = {
  request: 'smartmeter-bridge:api-request',
  event: 'smartmeter-bridge:api-event',
} as const;

/** The name under which the preload puts the api into the page: `window.smartmeterBridge`. */
export const DESKTOP_API_NAME = 'smartmeterBridge';

/** What the page gets: one function per method of the contract (shared/api.ts), and its events. */
export type DesktopApi = { [M in ApiMethod]: () => Promise<ApiMethods[M]> } & {
  onEvent(listener: (event: ApiEvent) => void): () => void;
};
