/**
 * The only IPC channels between the window and the main process: the api's requests (invoke) and events (main →
 * window), and the desktop shell's own requests (invoke). Nothing else is listened to or sent.
 */
export const IPC_CHANNELS = {
  request: 'smartmeter-bridge:api-request',
  event: 'smartmeter-bridge:api-event',
  desktop: 'smartmeter-bridge:desktop',
} as const;

/** The names under which the preload puts the api and the shell's functions into the page (`window.<name>`). */
export const DESKTOP_API_NAME = 'smartmeterBridge';
export const DESKTOP_SHELL_NAME = 'smartmeterDesktop';

/** What the page gets: one function per method of the contract; the renderer's IPC transport defines it. */
export type { DesktopApi, DesktopShell } from '../../renderer/src/api/ipc-transport.ts';
