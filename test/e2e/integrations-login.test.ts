/**
 * The Topics page's integration snippets (shown, copyable, made from the live meter) and the login page of a UI
 * configured for the LAN, in Chromium against the real `serve` and the simulated meter. Screenshots in EN/DE/FR,
 * light and dark, under test/e2e/screenshots/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  openPage,
  saveScreenshots,
  SCREENSHOTS,
  seriousViolations,
  startBridge,
  startMeteredSession,
  stopsAfterAll,
  type Bridge,
} from './ui-kit.ts';

const PASSWORD = 'e2e correct horse';
/** A key configured for the meter (the simulated P1 meter does not encrypt): it must never show in a download. */
const KEY = '0123456789ABCDEF0123456789ABCDEF';

let browser: Browser;
let bridge: Bridge;
let guarded: Bridge;
const defer = stopsAfterAll();

beforeAll(async () => {
  let meter;
  ({ browser, bridge, meter } = await startMeteredSession(defer, (source) => [{ ...source, key: KEY }]));
  // Bound to loopback but configured as if on the LAN: requireLogin is the seam that keeps all traffic local.
  guarded = await startBridge([meter], { requireLogin: true, password: PASSWORD });
  defer(guarded.stop);
}, 180_000);

describe('integration snippets on the Topics page', () => {
  it('shows a snippet per tool from the live meter, and copies the Node-RED flow for that meter', async () => {
    const { page, errors, close } = await openPage(browser, `${bridge.url}/#/topics`);
    try {
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: bridge.url });
      const topic = page.locator('code', { hasText: /^smartmeter\/\w+\/power\/power_in$/ });
      await topic.waitFor({ timeout: 30_000 });
      const meterTopic = (await topic.textContent())!.split('/')[1]!;
      for (const name of ['Home Assistant', 'openHAB things', 'openHAB items', 'Node-RED', 'Telegraf and InfluxDB']) {
        await page.locator('summary', { hasText: name }).waitFor();
      }
      // Discovery is on by default: the snippet names the meter's discovery topic under the configured prefix.
      await page.locator('summary', { hasText: 'Home Assistant' }).click();
      expect(await page.locator('pre[data-snippet="home-assistant"]').textContent()).toContain(
        `homeassistant/device/smartmeter_`,
      );
      await page.locator('summary', { hasText: 'Node-RED' }).click();
      await page.getByRole('button', { name: 'Copy smartmeter-flow.json' }).click();
      await page.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
      const flow = JSON.parse(await page.evaluate<string>('navigator.clipboard.readText()')) as { topic?: string }[];
      expect(flow.map((n) => n.topic).filter(Boolean)).toEqual([`smartmeter/${meterTopic}/state`]);
      await page.locator('summary', { hasText: 'openHAB things' }).click();
      expect(await page.locator('pre[data-snippet="openhab-things"]').textContent()).toContain(
        `stateTopic="smartmeter/${meterTopic}/power/power_in"`,
      );
      expect(await seriousViolations(page)).toEqual([]);
      // Served on loopback without a login: nothing to log out of.
      expect(await page.getByRole('button', { name: 'Log out' }).count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 90_000);

  it('saves screenshots of the snippets in light and dark, English, German and French', async () => {
    await saveScreenshots(browser, `${bridge.url}/#/topics`, 'integrations', async (page) => {
      await page.locator('summary').nth(3).waitFor({ timeout: 30_000 });
      await page.locator('summary').nth(3).click(); // Node-RED
      await page.locator('#integrations-title').scrollIntoViewIfNeeded();
    });
  }, 120_000);
});

describe('diagnostics depth', () => {
  it('shows the last frames with their decode tree and the log; the download has them and no secret', async () => {
    const { page, errors, close } = await openPage(browser, `${bridge.url}/#/diagnostics`);
    try {
      await page.locator('pre.raw').first().waitFor({ timeout: 30_000 });
      // Frames arrive each second: refresh until the ring holds one.
      await expect
        .poll(
          async () => (
            await page.getByRole('button', { name: 'Refresh' }).click(),
            page.locator('details.frame').count()
          ),
          {
            timeout: 30_000,
          },
        )
        .toBeGreaterThan(0);
      await page.locator('details.frame summary').first().click();
      const tree = (await page.locator('[data-decode-tree]').first().textContent())!;
      expect(tree).toContain('dsmr');
      expect(tree).toMatch(/1-0:1\.8\.1 = [\d.]+ kWh/);
      expect(await page.locator('[data-log]').textContent()).toMatch(/INFO/);
      await page.getByLabel('Lowest level shown').selectOption('error');
      expect(await seriousViolations(page)).toEqual([]);

      const [file] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download diagnostics' }).click(),
      ]);
      const text = readFileSync((await file.path())!, 'utf8');
      const bundle = JSON.parse(text) as { sources: { frames: unknown[] }[]; logs: unknown[]; versions: unknown };
      expect(bundle.sources[0]!.frames.length).toBeGreaterThan(0);
      expect(bundle.logs.length).toBeGreaterThan(0);
      expect(text).not.toContain(KEY);
      expect(text.toLowerCase()).not.toContain(KEY.toLowerCase());
      expect(text).toContain('"key": "***"');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 90_000);

  it('saves screenshots of the diagnostics depth in light and dark, English, German and French', async () => {
    await saveScreenshots(browser, `${bridge.url}/#/diagnostics`, 'diagnostics-depth', async (page) => {
      await page.locator('details.frame summary').first().waitFor({ timeout: 30_000 });
      await page.locator('details.frame summary').first().click();
      await page.locator('#details-title').scrollIntoViewIfNeeded();
    });
  }, 120_000);
});

describe('the login page of a UI configured for the LAN', () => {
  it('asks for the password, refuses a wrong one, opens the meters with the right one, logs out, and asks again once the session ended', async () => {
    const { page, errors, close } = await openPage(browser, guarded.url);
    try {
      const password = page.getByLabel('Password');
      await password.waitFor({ timeout: 30_000 });
      expect(await seriousViolations(page)).toEqual([]);
      await password.fill('not it');
      await page.getByRole('button', { name: 'Log in' }).click();
      expect(await page.getByRole('alert').textContent()).toBe('Wrong password.');
      await password.fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.locator('[data-quantity="power_in"]').first().waitFor({ timeout: 30_000 });
      // The browser's console reports the refused login (401) as an error; nothing else may fail.
      expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, 'en-light-logged-in.png') });
      // Log out ends the session: the login again, also after a reload (the cookie is gone, not just the page).
      await page.getByRole('button', { name: 'Log out' }).click();
      await password.waitFor({ timeout: 30_000 });
      await page.reload();
      await password.waitFor({ timeout: 30_000 });
      await password.fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.locator('[data-quantity="power_in"]').first().waitFor({ timeout: 30_000 });
      // Sessions end with the process: after a restart the page asks again instead of retrying forever (the
      // console then also lists the refused connections while the bridge was away).
      await guarded.restart();
      await page.getByLabel('Password').waitFor({ timeout: 30_000 });
    } finally {
      await close();
    }
  }, 90_000);

  it('saves screenshots of the login page in light and dark, English, German and French', async () => {
    await saveScreenshots(browser, guarded.url, 'login', (page) =>
      page.locator('#login-password').waitFor({ timeout: 30_000 }),
    );
  }, 120_000);
});
