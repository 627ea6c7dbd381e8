/**
 * The parts of the UI that only the desktop app shows, over the IPC double (../ipc-transport-double.ts): its own
 * options on the Broker page (keep running in the tray, start at login, the consent to look for updates), kept by the
 * shell as soon as they change; and on Linux without a keyring (Electron's basic_text), whose main process answers
 * getConfig with `protection: "weak"` (test/unit/desktop/desktop-settings-api.test.ts), the settings pages' note that
 * keys and passwords are only obscured there. Screenshots in each language and theme.
 */
import './use-ipc.ts';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  openPage,
  SCREENSHOTS,
  SCREENSHOT_VARIANTS,
  seriousViolations,
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

describe('the desktop app’s options', () => {
  it('are kept by the shell as they change: updates asked for only once the user agrees', async () => {
    const { page, errors, close } = await openPage(browser, `${bridge.url}/#/broker`);
    try {
      const updates = page.getByLabel('Look for new versions once a day (asks GitHub)');
      await updates.waitFor({ timeout: 30_000 });
      // A configured meter: closing the window keeps the bridge running, until the user says otherwise.
      expect(await page.getByLabel('Keep running in the tray when the window is closed').isChecked()).toBe(true);
      expect(await updates.isChecked()).toBe(false);
      await updates.check();
      await page.getByLabel('Keep running in the tray when the window is closed').uncheck();
      await page.getByRole('button', { name: 'Open log folder' }).click();
      expect(await seriousViolations(page)).toEqual([]);
      // Kept by the shell, not the page: a reload shows them as changed.
      await page.reload();
      await updates.waitFor({ timeout: 30_000 });
      expect(await updates.isChecked()).toBe(true);
      expect(await page.getByLabel('Keep running in the tray when the window is closed').isChecked()).toBe(false);
      expect(await page.locator('[role="alert"]').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 60_000);

  it('are shot in each language and theme', async () => {
    for (const { locale, colorScheme } of SCREENSHOT_VARIANTS) {
      const { page, close } = await openPage(browser, `${bridge.url}/#/broker`, { locale, colorScheme });
      try {
        await page.locator('form.settings').nth(1).waitFor({ timeout: 30_000 });
        await page.screenshot({
          path: join(SCREENSHOTS, `${locale.slice(0, 2)}-${colorScheme}-broker-desktop.png`),
          fullPage: true,
        });
      } finally {
        await close();
      }
    }
  }, 120_000);
});

/**
 * After the preload's script: the same api, with getConfig's protection as a keyring-less Linux reports it (only
 * that answer is changed on its way in; everything else goes over the double to `serve`).
 */
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
