/**
 * The desktop app on Linux without a keyring (Electron's basic_text): its main process answers getConfig with
 * `protection: "weak"` (test/unit/desktop/desktop-settings-api.test.ts), and the settings pages then say that keys and
 * passwords entered there are only obscured, and what to do instead. Here the page's getConfig answer is marked weak
 * on its way in; everything else goes over the IPC double to `serve`. Screenshots in each language and theme.
 */
import './use-ipc.ts';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  openPage,
  SCREENSHOTS,
  SCREENSHOT_VARIANTS,
  startMeteredSession,
  stopsAfterAll,
  type Bridge,
} from '../ui-kit.ts';

let browser: Browser;
let bridge: Bridge;
const defer = stopsAfterAll();

beforeAll(async () => {
  ({ browser, bridge } = await startMeteredSession(defer));
}, 120_000);

/** After the preload's script: the same api, with getConfig's protection as a keyring-less Linux reports it. */
const weakKeychain = `{
  const api = window.smartmeterBridge;
  window.smartmeterBridge = Object.freeze({
    ...api,
    getConfig: async () => ({ ...(await api.getConfig()), protection: 'weak' }),
  });
}`;

describe('secrets on Linux without a keyring', () => {
  it('are said to be only obscured on the broker and meter settings pages, in every language', async () => {
    for (const { locale, colorScheme } of SCREENSHOT_VARIANTS) {
      const { page, errors, close } = await openPage(browser, `${bridge.url}/#/broker`, {
        locale,
        colorScheme,
        initScript: weakKeychain,
      });
      try {
        // The password field is there once "My own broker" is chosen.
        await page.locator('input[name="mode"]').nth(1).check({ timeout: 30_000 });
        const note = page.locator('[data-secret-protection="weak"]');
        await note.waitFor();
        if (locale.startsWith('en')) expect(await note.textContent()).toMatch(/only obscured, not encrypted/);
        await page.screenshot({
          path: join(SCREENSHOTS, `${locale.slice(0, 2)}-${colorScheme}-broker-weak-keychain.png`),
          fullPage: true,
        });
        await page.goto(`${bridge.url}/#/meterSettings`);
        await page.locator('[data-secret-protection="weak"]').waitFor();
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    }
  }, 180_000);

  it('are not mentioned where the store protects them (serve’s 0600 file)', async () => {
    const { page, close } = await openPage(browser, `${bridge.url}/#/meterSettings`);
    try {
      await page.locator('form.settings').first().waitFor({ timeout: 30_000 });
      expect(await page.locator('[data-secret-protection]').count()).toBe(0);
    } finally {
      await close();
    }
  }, 60_000);
});
