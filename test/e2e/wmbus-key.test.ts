/**
 * A new encrypted wireless M-Bus meter, end to end as a homeowner meets it: the real `serve` reads a socat pty as a
 * USB stick's port (`protocol: wmbus`) and publishes to a real Mosquitto, the real simulator plays an OMS heat meter
 * (mode 5) into the pty, Chromium shows the UI. The meter never decoded, so only its decrypt errors name it: the
 * Meters page and Meter settings ask for its key; a wrong key keeps the prompt and says so while the errors go on;
 * the right key brings its values, in the UI and on the broker.
 */
import { join } from 'node:path';
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { until } from '../helpers/wait.ts';
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

const KEY = '0F1E2D3C4B5A69788796A5B4C3D2E1F0';
const WRONG_KEY = '0f1e 2d3c 4b5a 6978 8796 a5b4 c3d2 e1f1';
const METER_ID = '76543210'; // the simulated wmbus-heat meter
const PROMPT = `Meter ${METER_ID} sends encrypted data: enter its key`;

let browser: Browser;
let bridge: Bridge;
/** Topics of the meter as Mosquitto passed them on. */
const published: string[] = [];
const defer = stopsAfterAll();

beforeAll(async () => {
  const started = await startBrowserAndBroker(defer);
  browser = started.browser;
  const { broker } = started;
  const consumer = await mqtt.connectAsync(broker.url);
  defer(() => consumer.endAsync());
  consumer.on('message', (topic) => published.push(topic));
  await consumer.subscribeAsync(`smartmeter/${METER_ID}/#`);
  const pair = await openPtyPair(defer);
  const stick = { type: 'serial', id: 'stick', port: pair.device, protocol: 'wmbus', stick: 'raw' };
  bridge = await startBridge([stick], {}, { broker: { url: broker.url } });
  defer(() => bridge.stop());
  simulateToSerial(defer, pair.meter, ['--meter', 'wmbus-heat', '--key', KEY, '--interval', '0.5']);
}, 120_000);

const prompt = (page: Page) => page.getByRole('heading', { name: PROMPT });

async function enterKey(page: Page, key: string): Promise<void> {
  await page.getByLabel('Key (32 hex digits)').fill(key);
  await page.getByRole('button', { name: 'Save the key' }).click();
}

describe('a new encrypted wireless M-Bus meter', () => {
  it('is offered for its key on the Meters page and in Meter settings', async () => {
    const { page, errors, close } = await openPage(browser, bridge.url);
    try {
      await prompt(page).waitFor({ timeout: 30_000 });
      expect(await page.locator('section[data-locked-meter]').textContent()).toContain(
        'grid operator’s customer portal',
      );
      expect(await seriousViolations(page)).toEqual([]);
      await page.goto(`${bridge.url}#/meterSettings`);
      await prompt(page).waitFor({ timeout: 15_000 });
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
    for (const path of ['', '#/meterSettings']) {
      await saveScreenshots(
        browser,
        `${bridge.url}${path}`,
        path ? 'meter-settings-key-prompt' : 'meters-key-prompt',
        (p) => p.locator('section[data-locked-meter]').waitFor({ timeout: 30_000 }),
      );
    }
  }, 180_000);

  it('keeps asking with a clear message after a wrong key, and shows the values after the right one', async () => {
    const { page, errors, close } = await openPage(browser, bridge.url);
    try {
      await prompt(page).waitFor({ timeout: 30_000 });
      await enterKey(page, 'not a key');
      await page.getByRole('alert').filter({ hasText: 'A key is 32 hexadecimal digits' }).waitFor();

      await enterKey(page, WRONG_KEY);
      const wrong = page.getByRole('alert').filter({ hasText: 'This key does not open the meter’s data' });
      await wrong.waitFor({ timeout: 30_000 });
      expect(await prompt(page).isVisible()).toBe(true);
      await page.screenshot({ path: join(SCREENSHOTS, 'en-light-meters-key-wrong.png'), fullPage: true });
      expect(published).toEqual([]);

      await enterKey(page, KEY);
      const meter = page.locator(`section[aria-labelledby="meter-${METER_ID}"]`);
      await meter.waitFor({ timeout: 30_000 });
      await prompt(page).waitFor({ state: 'detached', timeout: 30_000 });
      expect(await meter.textContent()).toContain('°C');
      // A heat meter has no import or export power: no empty tiles, no power chart.
      expect(await meter.getByText('Import now').count()).toBe(0);
      await page.screenshot({ path: join(SCREENSHOTS, 'en-light-meters-key-opened.png'), fullPage: true });
      await until(() => published.includes(`smartmeter/${METER_ID}/heat/heat_energy`), 'heat energy on the broker');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 180_000);
});
