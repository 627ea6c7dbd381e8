/**
 * The IPC double itself (../ipc-transport-double.ts): that the pages of the test files here really talk IPC, through
 * the preload's generated functions and the main handler's checks, and reach the core of `serve`.
 */
import './use-ipc.ts';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_METHOD_NAMES } from '../../../shared/api-method-names.ts';
import { REFUSED_SENDER } from '../../../electron/main/ipc-api.ts';
import { openPage, startBridge, startBrowser, stopsAfterAll, type Bridge } from '../ui-kit.ts';

let browser: Browser;
let bridge: Bridge;
const defer = stopsAfterAll();

beforeAll(async () => {
  browser = await startBrowser(defer);
  bridge = await startBridge([]);
  defer(() => bridge.stop());
}, 120_000);

/** The answer of one api function called in the page, or the message it was refused with. */
const answer = (call: string) =>
  `window.smartmeterBridge.${call}.then((r) => ({ ok: r }), (e) => ({ refused: e.message }))`;

describe('the desktop app’s IPC, played around serve', () => {
  it('gives the page one function per contract method, and no WebSocket is ever opened', async () => {
    const countSockets = `window.socketsOpened = 0;
      window.WebSocket = class extends WebSocket { constructor(...a) { super(...a); window.socketsOpened++; } };`;
    const { page, errors, close } = await openPage(browser, bridge.url, { initScript: countSockets });
    try {
      await page.locator('.first-run').waitFor({ timeout: 30_000 });
      const names = await page.evaluate<string[]>('Object.keys(window.smartmeterBridge)');
      expect(names.sort()).toEqual([...API_METHOD_NAMES, 'onEvent'].sort());
      expect(await page.evaluate(answer('getBridge()'))).toMatchObject({ ok: { sources: [], meters: [] } });
      expect(await page.evaluate<number>('window.socketsOpened')).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 60_000);

  it('refuses a malformed payload in the main process, with the contract’s reason', async () => {
    const { page, close } = await openPage(browser, bridge.url);
    try {
      await page.locator('.first-run').waitFor({ timeout: 30_000 });
      const refused = await page.evaluate<{ refused?: string }>(answer('discoveryProbe({ address: 42 })'));
      expect(refused.refused).toMatch(/^not a request: /);
    } finally {
      await close();
    }
  }, 60_000);

  it('refuses every request once the window shows a page of another origin', async () => {
    const { page, close } = await openPage(browser, bridge.url);
    try {
      await page.locator('.first-run').waitFor({ timeout: 30_000 });
      // The same files from another origin: the preload runs there too, the main handler's sender check refuses.
      await page.goto(bridge.url.replace('127.0.0.1', 'localhost'));
      expect(await page.evaluate(answer('getBridge()'))).toEqual({ refused: REFUSED_SENDER });
    } finally {
      await close();
    }
  }, 60_000);
});
