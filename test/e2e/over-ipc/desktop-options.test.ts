/**
 * The desktop app's own options on the Broker page, over the IPC double (../ipc-transport-double.ts): keep running
 * in the tray, start at login, and the consent to look for updates, each kept by the shell as soon as it changes;
 * nothing of it in a browser, where there is no shell. Screenshots in each language and theme.
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
