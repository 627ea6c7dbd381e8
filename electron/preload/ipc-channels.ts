/**
 * The only IPC channels between the window and the main process: one for the api's requests (invoke), one for its
 * events (main → window). Nothing else is listened to or sent.
 */
export const IPC_CHANNELS = {
  request: 'smartmeter-bridge:api-request',
  event: 'smartmeter-bridge:api-event',
} as const;

/** The name under which the preload puts the api into the page: `window.smartmeterBridge`. */
export const DESKTOP_API_NAME = 'smartmeterBridge';

/** What the page gets: one function per method of the contract; the renderer's IPC transport defines it. */
export type { DesktopApi } from '../../renderer/src/api/ipc-transport.ts';
