/**
 * Settings that apply live, in Chromium against the real `serve`, the simulated meter and a real Mosquitto: the
 * Broker page's Test connection names a wrong password, saving the right one moves publishing from the embedded
 * broker to Mosquitto without a restart; an alias set on the meter settings page moves the meter's topics while its
 * Home Assistant unique_ids stay its own ID. Screenshots in EN/DE/FR, light and dark, under test/e2e/screenshots/.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { until } from '../helpers/wait.ts';
import {
  openPage,
  saveScreenshots,
  seriousViolations,
  startMeteredSession,
  stopsAfterAll,
  type Bridge,
} from './ui-kit.ts';

const PASSWORD = 'e2e-broker-pa55';

let browser: Browser;
let bridge: Bridge;
let mosquitto: Mosquitto;
let seen: { topic: string; payload: string; retain: boolean }[];
const defer = stopsAfterAll();

beforeAll(async () => {
  ({ browser, bridge } = await startMeteredSession(defer));
  const dir = mkdtempSync(join(tmpdir(), 'smb-e2e-mosq-'));
  defer(async () => rmSync(dir, { recursive: true, force: true }));
  const passwords = join(dir, 'passwords');
  execFileSync('mosquitto_passwd', ['-b', '-c', passwords, 'bridge', PASSWORD], { stdio: 'ignore' });
  chmodSync(dir, 0o755);
  chmodSync(passwords, 0o644);
  mosquitto = await startMosquitto(['allow_anonymous false', `password_file ${passwords}`]);
  defer(() => mosquitto.dispose());
  const consumer = await mqtt.connectAsync(mosquitto.url, { username: 'bridge', password: PASSWORD });
  defer(() => consumer.endAsync(true));
  seen = [];
  consumer.on('message', (topic, payload, packet) =>
    seen.push({ topic, payload: payload.toString(), retain: packet.retain }),
  );
  await consumer.subscribeAsync('#', { qos: 1 });
}, 180_000);

describe('settings that apply live', () => {
  it('says "auth refused" for a wrong broker password, and switches to that broker without a restart', async () => {
    const { page, errors, close } = await openPage(browser, `${bridge.url}/#/broker`);
    try {
      await page.getByLabel('My own broker').check();
      await page.getByLabel('Broker URL').fill(mosquitto.url);
      await page.getByLabel('Username').fill('bridge');
      await page.getByLabel('Password').fill(`${PASSWORD}-wrong`);
      await page.getByRole('button', { name: 'Test connection' }).click();
      await page.getByRole('status').filter({ hasText: 'auth refused' }).waitFor();
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Test connection' }).click();
      await page.getByRole('status').filter({ hasText: 'Connected (MQTT 3.1.1)' }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Save and apply' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved and applied' }).waitFor();
      await until(
        () => seen.some((m) => /^smartmeter\/[^/]+\/power\/power_in$/.test(m.topic) && !m.retain),
        'values on Mosquitto',
        30_000,
      );
      // The page never gets the password back.
      expect(await page.content()).not.toContain(PASSWORD);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 90_000);

  it('moves the topics to a new alias and keeps the Home Assistant unique_ids', async () => {
    const discovery = () => seen.filter((m) => m.topic.startsWith('homeassistant/device/')).at(-1);
    await until(() => discovery() !== undefined, 'discovery on Mosquitto', 30_000);
    const before = discovery()!;
    const { page, errors, close } = await openPage(browser, `${bridge.url}/#/meterSettings`);
    try {
      await page.getByLabel(/^Alias/).fill('house');
      await page.getByRole('button', { name: 'Save alias' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved and applied' }).waitFor();
      await until(
        () => seen.some((m) => m.topic === 'smartmeter/house/power/power_in'),
        'values under the alias',
        30_000,
      );
      await until(() => discovery()!.payload.includes('smartmeter/house/'), 'discovery with the new topics', 30_000);
      const after = discovery()!;
      expect(after.topic).toBe(before.topic);
      type Discovery = { cmps: Record<string, { unique_id: string }> };
      const ids = (m: { payload: string }) =>
        Object.values((JSON.parse(m.payload) as Discovery).cmps).map((c) => c.unique_id);
      expect(ids(after)).toEqual(ids(before));
      expect(ids(after).some((id) => id.includes('house'))).toBe(false);
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 90_000);

  it('saves screenshots of both settings pages', async () => {
    await saveScreenshots(
      browser,
      `${bridge.url}/#/broker`,
      'broker',
      async (page) => {
        await page.locator('form.settings').waitFor();
      },
      { fullPage: true },
    );
    await saveScreenshots(
      browser,
      `${bridge.url}/#/meterSettings`,
      'meter-settings',
      async (page) => {
        await page.locator('form.settings').first().waitFor();
      },
      { fullPage: true },
    );
  }, 120_000);
});
