/**
 * Runs a browser test file over the desktop app's IPC instead of the WebSocket: a file here imports this module first
 * (before ui-kit reads the switch), then the test file itself, unchanged. Its pages then get the api from the real
 * preload, through the real main handler, from the same `serve` (../ipc-transport-double.ts).
 */
import { afterAll, beforeEach } from 'vitest';

process.env.SMB_E2E_TRANSPORT = 'ipc';
// A worker that runs another test file next must not inherit the switch.
afterAll(() => void delete process.env.SMB_E2E_TRANSPORT);

/**
 * Leaves out tests that are about the WebSocket alone, or that repeat per language and theme what one run already
 * proves of the transport (the suite takes minutes; CI runs it twice). Each with its reason, shown as the skip note.
 */
export function skipOverIpc(skips: { test: RegExp; why: string }[]): void {
  beforeEach((context) => {
    const skip = skips.find((s) => s.test.test(context.task.name));
    if (skip) context.skip(skip.why);
  });
}
