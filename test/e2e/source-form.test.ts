/**
 * Adding a wireless M-Bus stick by hand on the Devices page, against the real `serve` (no source yet, a real
 * Mosquitto): protocol `wmbus` shows the stick and, for a stick the bridge sets up, the radio mode, each with its
 * help; the source is added to the running bridge as chosen, a second source on the same port is refused with the
 * config's reason, and once the real simulator plays an encrypted heat meter into the socat pty the Meters page asks
 * for its key. Screenshots of the form in every language and theme; axe on the page.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PtyPair } from '../helpers/pty-pair.ts';
import { connectApi } from '../integration/server/api-client.ts';
import {
  openPage,
  openPtyPair,
  saveScreenshots,
  SCREENSHOTS,
  seriousViolations,
  simulateToSerial,
  startBridge,
  startBrowserAndBroker,
  stopsAfterAll,
  type Bridge,
} from './ui-kit.ts';

let browser: Browser;
let bridge: Bridge;
let pair: PtyPair;
const defer = stopsAfterAll();

beforeAll(async () => {
  const started = await startBrowserAndBroker(defer);
  browser = started.browser;
  const { broker } = started;
  pair = await openPtyPair(defer);
  bridge = await startBridge([], {}, { broker: { url: broker.url } });
  defer(() => bridge.stop());
}, 120_000);

const devices = () => `${bridge.url}#/devices`;

/** The form filled for a stick on the pty; the selects are named alike in every language. */
async function fill(page: Page, stick: string): Promise<void> {
  const form = page.locator('form.source-form');
  await form.locator('input[name="port"]').fill(pair.device);
  await form.locator('select[name="protocol"]').selectOption('wmbus');
  await form.locator('select[name="stick"]').selectOption(stick);
}

describe('adding a wireless M-Bus stick by hand', () => {
  it('asks for the stick and its radio mode, with help, in every language', async () => {
    const { page, errors, close } = await openPage(browser, devices());
    try {
      const linkMode = page.locator('form.source-form select[name="linkMode"]');
      await page.getByRole('heading', { name: 'Add a serial source by hand' }).waitFor({ timeout: 30_000 });
      expect(await page.locator('form.source-form select[name="stick"]').count()).toBe(0);
      await fill(page, 'im871a');
      expect(await linkMode.inputValue()).toBe('T1');
      // The help is the select's description, read out with it.
      const helpId = await linkMode.getAttribute('aria-describedby');
      const help = await page.locator(`[id="${helpId}"]`).textContent();
      expect(help).toContain('T1: most water, heat and gas meters');
      expect(await seriousViolations(page)).toEqual([]);
      await page.locator('select[name="stick"]').selectOption('raw');
      expect(await linkMode.count()).toBe(0); // a raw stick is set up with its own tool
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
    await saveScreenshots(browser, devices(), 'devices-source-form', async (page) => {
      await fill(page, 'im871a');
      await page.locator('form.source-form').scrollIntoViewIfNeeded();
    });
  }, 180_000);

  it('adds the source as chosen, refuses a second one on the port, and the meter then asks for its key', async () => {
    const { page, errors, close } = await openPage(browser, devices());
    try {
      await fill(page, 'raw');
      await page.getByRole('button', { name: 'Add the source' }).click();
      await page.getByRole('status').filter({ hasText: 'Added: the bridge reads this port now.' }).waitFor();
      const api = await connectApi(Number(new URL(bridge.url).port));
      const answer = await api.call('getConfig');
      api.close();
      expect(answer).toMatchObject({
        ok: true,
        result: { config: { sources: [{ type: 'serial', port: pair.device, protocol: 'wmbus', stick: 'raw' }] } },
      });
      await page.getByRole('button', { name: 'Add the source' }).click();
      const refused = page.getByRole('alert').filter({ hasText: 'Not added:' });
      await refused.waitFor();
      expect(await refused.textContent()).toContain(pair.device);

      simulateToSerial(defer, pair.meter, ['--meter', 'wmbus-heat', '--key', '0F1E2D3C4B5A69788796A5B4C3D2E1F0']);
      await page.goto(bridge.url);
      await page
        .getByRole('heading', { name: 'Meter 76543210 sends encrypted data: enter its key' })
        .waitFor({ timeout: 30_000 });
      await page.screenshot({ path: join(SCREENSHOTS, 'en-light-source-form-added.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 180_000);
});
