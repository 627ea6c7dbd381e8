/**
 * Discovery on the Devices page against the real `serve`: a gateway source on a real Mosquitto that holds a gPlug's
 * retained Tasmota discovery and its SENSOR, and a loopback HTTP server answering like Tasmota's /cm. The panel lists
 * the device with its meter fields, Probe finds the HTTP one, and Adopt names what it would change and changes
 * nothing until confirmed. Screenshots in English, German and French, light and dark.
 */
import { join } from 'node:path';
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GPLUG_SENSOR, startFakeTasmota, type FakeTasmota } from '../integration/discovery/fake-tasmota.ts';
import {
  openPage,
  saveScreenshots,
  SCREENSHOTS,
  seriousViolations,
  startBridge,
  startBrowserAndBroker,
  stopsAfterAll,
  type Bridge,
} from './ui-kit.ts';

let browser: Browser;
let bridge: Bridge;
let device: FakeTasmota;
const defer = stopsAfterAll();
const retained = { qos: 1, retain: true } as const;

beforeAll(async () => {
  const started = await startBrowserAndBroker(defer);
  browser = started.browser;
  const { broker } = started;
  const gateway = await mqtt.connectAsync(broker.url);
  await gateway.publishAsync(
    'tasmota/discovery/A0B765123456/config',
    JSON.stringify({ ip: '127.0.0.2', dn: 'gPlug Keller', mac: 'A0B765123456', sw: '14.3.0', t: 'gplug_keller' }),
    retained,
  ); // another loopback address than the HTTP device's below, so the two stay two devices
  await gateway.publishAsync('tele/gplug_keller/SENSOR', JSON.stringify(GPLUG_SENSOR), retained);
  await gateway.endAsync();
  device = await startFakeTasmota({ mac: 'A0:B7:65:00:00:01', topic: 'gplug_garage' });
  defer(() => device.close());
  bridge = await startBridge([
    { type: 'mqtt', id: 'gplugs', gateway: 'tasmota', topic: 'gplug_keller', url: broker.url },
  ]);
  defer(() => bridge.stop());
}, 120_000);

const devicesPage = (url: string) => `${url}#/devices`;

async function listed(page: Page): Promise<void> {
  await page.locator('tr', { hasText: 'A0:B7:65:12:34:56' }).waitFor({ timeout: 20_000 });
}

describe('discovery on the Devices page', () => {
  it('lists the gPlug from the broker, probes an address, and asks before adopt changes anything', async () => {
    const { page, errors, close } = await openPage(browser, devicesPage(bridge.url));
    try {
      await listed(page);
      const row = page.locator('tr', { hasText: 'A0:B7:65:12:34:56' });
      await expect(row.textContent()).resolves.toMatch(/gPlug Keller.*14\.3\.0.*SMid.*gplug_keller.*yes/s);

      await page.getByLabel('Device address').fill(`127.0.0.1:${device.port}`);
      await page.getByRole('button', { name: 'Probe', exact: true }).click();
      await page.getByText('Found gPlug Keller').waitFor();
      await page.locator('tr', { hasText: 'A0:B7:65:00:00:01' }).waitFor();

      await row.getByRole('button', { name: /Adopt/ }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await expect(dialog.textContent()).resolves.toMatch(/Backlog MqttHost .+; MqttPort \d+; Topic gplug_keller/);
      expect(await seriousViolations(page)).toEqual([]);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect(device.commands.filter((c) => /backlog/i.test(c))).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 60_000);

  it('says in the adopt dialog that a LAN device cannot reach a broker on 127.0.0.1, and leads to Broker & outputs', async () => {
    const { page, errors, close } = await openPage(browser, devicesPage(bridge.url));
    try {
      await listed(page);
      await page.locator('tr', { hasText: 'A0:B7:65:12:34:56' }).getByRole('button', { name: /Adopt/ }).click();
      const dialog = page.getByRole('dialog');
      // The bridge runs the default embedded broker, which listens on loopback only.
      const unreachable = dialog.locator('[data-warning="loopback-broker"]');
      await expect(unreachable.textContent()).resolves.toContain('listens on 127.0.0.1, this computer only');
      // The page is open on 127.0.0.1, so that is the host offered: to the device it means itself.
      const host = dialog.getByLabel('Broker host');
      await expect(host.getAttribute('aria-describedby')).resolves.toBe('adopt-host-warning');
      await dialog.locator('#adopt-host-warning').waitFor();
      await host.fill('bridge.local');
      await dialog.locator('#adopt-host-warning').waitFor({ state: 'detached' });
      expect(await seriousViolations(page)).toEqual([]);

      await unreachable.getByRole('link', { name: 'Broker & outputs' }).click();
      await page.getByRole('heading', { level: 1, name: 'Broker & outputs' }).waitFor();
      const lan = page.getByLabel('Reachable from the LAN');
      expect(await lan.isChecked()).toBe(false);
      await lan.check();
      await page.getByText('Listens on 0.0.0.0: a username and password are required.').waitFor();
      // Without a login the bridge refuses to listen on the LAN, and nothing changes.
      await page.getByRole('button', { name: 'Save and apply' }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toContain(
        'requires embeddedBroker.username and embeddedBroker.password',
      );
      await page.reload();
      expect(await page.getByLabel('Reachable from the LAN').isChecked()).toBe(false);
      expect(device.commands.filter((c) => /backlog/i.test(c))).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 60_000);

  it('adopts the HTTP device once confirmed: its steps, the source to add, and Add source', async () => {
    const { page, errors, close } = await openPage(browser, devicesPage(bridge.url));
    try {
      const row = page.locator('tr', { hasText: 'A0:B7:65:00:00:01' });
      await row.waitFor({ timeout: 20_000 });
      await row.getByRole('button', { name: /Adopt/ }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText(/Backlog MqttHost 127\.0\.0\.1; MqttPort \d+; Topic gplug_garage/).waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, 'en-light-discovery-adopt-confirm.png') });
      await dialog.getByRole('button', { name: 'Change the device' }).click();
      await dialog.getByText('The device publishes to the bridge').waitFor({ timeout: 30_000 });
      expect(device.commands.some((c) => /Backlog MqttHost 127\.0\.0\.1/i.test(c))).toBe(true);
      await expect(dialog.locator('ol li').count()).resolves.toBeGreaterThan(1);
      await dialog.getByRole('button', { name: 'Add source' }).click();
      await dialog.getByText('Source added.').waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, 'en-light-discovery-adopt-done.png') });
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 90_000);

  it('is shot in each language and theme', async () => {
    await saveScreenshots(browser, devicesPage(bridge.url), 'discovery', listed, { fullPage: true });
    // The confirmation as each language and theme shows it; closed without confirming.
    await saveScreenshots(browser, devicesPage(bridge.url), 'discovery-adopt', async (page) => {
      await listed(page);
      await page.locator('tr', { hasText: 'A0:B7:65:12:34:56' }).locator('button').click();
      // Once the bridge's config is in: its broker port, and the warning that no device reaches it on loopback.
      await page.getByRole('dialog').locator('[data-warning="loopback-broker"]').waitFor();
    });
    expect(device.commands.filter((c) => c.includes('gplug_keller'))).toEqual([]);
  }, 120_000);
});
