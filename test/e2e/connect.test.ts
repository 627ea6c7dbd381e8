/**
 * Connect, end to end as a first-time user meets it: `serve` with no source (the first-run page) and the socat pty
 * named in `serial.extraPorts` (as a ser2net or virtual port would be), the real simulator playing an encrypted
 * Landis+Gyr E450 into that pty, Chromium. The port list shows the pty, and follows another configured pty as it
 * appears and goes; Connect on the pty's row finds the meter and says it encrypts, asks for the key, refuses a wrong
 * one with the core's reason, accepts the right one and shows the meter's first values; in English, German and
 * French, light and dark, with a screenshot of each step. Then, once, Add makes it a source of the running bridge
 * and its live values show on the meters page.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PtyPair } from '../helpers/pty-pair.ts';
import {
  openPage,
  openPtyPair,
  SCREENSHOTS,
  seriousViolations,
  simulateToSerial,
  startBridge,
  startBrowser,
  stopsAfterAll,
  type Bridge,
} from './ui-kit.ts';

const KEY = '5AD84121D9D20B364B7A11F3C1B5827F';
const WRONG_KEY = 'A5D8 4121 D9D2 0B36 4B7A 11F3 C1B5 827F';

let browser: Browser;
let bridge: Bridge;
let port: string;
/** A second configured pty, made and removed by the hot-plug test (like a USB adapter plugged in and out). */
let hotplug: PtyPair;
let simulator: ChildProcess;
const defer = stopsAfterAll();

beforeAll(async () => {
  browser = await startBrowser(defer);
  const pair = await openPtyPair(defer);
  port = pair.device;
  hotplug = await openPtyPair(defer);
  await hotplug.unplug();
  simulator = simulateToSerial(defer, pair.meter, ['--meter', 'lg-e450', '--key', KEY, '--interval', '1']);
  bridge = await startBridge([], {}, { serial: { extraPorts: [port, hotplug.device] } });
  defer(() => bridge.stop());
}, 120_000);

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Connect on the port's row of the list (its button, named in the page's language). */
async function connectListed(page: Page, path: string): Promise<void> {
  const row = page.locator('tr', { has: page.locator('code', { hasText: path }) });
  await row.getByRole('button').click({ timeout: 30_000 });
}

describe('the port list on the first-run page', () => {
  it('shows the pty the config names, and follows a port that appears and disappears', async () => {
    const { page, errors, close } = await openPage(browser, bridge.url);
    try {
      const row = page.locator('tr', { has: page.locator('code', { hasText: port }) });
      await row.waitFor({ timeout: 30_000 });
      expect(await row.textContent()).toContain('From the configuration (serial.extraPorts)');
      const plugged = page.getByRole('button', { name: `Connect ${hotplug.device}`, exact: true });
      expect(await plugged.count()).toBe(0);
      // The core's watch looks every 2 s and pushes a changed list: the page follows without a reload.
      await hotplug.replug();
      await plugged.waitFor({ timeout: 15_000 });
      await shot(page, 'en-light-connect-0-ports');
      expect(await seriousViolations(page)).toEqual([]);
      await hotplug.unplug();
      await plugged.waitFor({ state: 'detached', timeout: 15_000 });
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 90_000);
});

const cases = ['en', 'de', 'fr', 'it'].flatMap((language) =>
  (['light', 'dark'] as const).map((colorScheme) => ({ language, colorScheme })),
);

describe('Connect on the first-run page', () => {
  for (const { language, colorScheme } of cases) {
    it(`finds the encrypted E450, refuses a wrong key and shows values with the right one (${language}, ${colorScheme})`, async () => {
      const { page, errors, close } = await openPage(browser, bridge.url, { locale: language, colorScheme });
      const name = (step: string) => `${language}-${colorScheme}-connect-${step}`;
      try {
        // The meter paused (SIGSTOP) for as long as the progress is looked at: it shows until a frame comes.
        simulator.kill('SIGSTOP');
        await connectListed(page, port);
        const flow = page.locator('section.connect');
        try {
          await flow.locator('.probing').waitFor({ timeout: 10_000 });
          await shot(page, name('1-probing'));
        } finally {
          simulator.kill('SIGCONT');
        }

        const keyForm = flow.locator('form.key-form');
        await keyForm.waitFor({ timeout: 30_000 });
        const facts = flow.locator('[data-probe="facts"]');
        // A pty reads at any setting: the setting is said to be unproven (the comma before the reason).
        expect(await facts.textContent()).toMatch(/\d+ 8[NE]1,/);
        // One probe per Connect: no second one refused as busy beside it.
        expect(await flow.locator('[role="alert"]').count()).toBe(0);
        await shot(page, name('2-key'));
        expect(await seriousViolations(page)).toEqual([]);

        await keyForm.locator('input[name="key"]').fill('not a key');
        await keyForm.locator('button[type="submit"]').click();
        await keyForm.locator('[role="alert"]').waitFor();

        await keyForm.locator('input[name="key"]').fill(WRONG_KEY);
        await keyForm.locator('button[type="submit"]').click();
        const refused = keyForm.locator('.refused');
        await refused.waitFor({ timeout: 30_000 });
        expect(await refused.textContent()).toContain('authentication failed: check the key');
        await shot(page, name('3-refused'));

        await keyForm.locator('input[name="key"]').fill(KEY);
        await keyForm.locator('button[type="submit"]').click();
        const power = flow.locator('[data-probe-quantity="power_in"]');
        await power.waitFor({ timeout: 30_000 });
        expect(await power.textContent()).toMatch(/^[\d.,’' \u00a0\u202f]+\u00a0(W|kW)$/);
        expect(await facts.textContent()).toContain('35012345');
        // Decrypted, the meter is known: the standard setting of DLMS over M-Bus.
        expect(await facts.textContent()).toMatch(/2400 8E1,/);
        await shot(page, name('4-values'));
        expect(await seriousViolations(page)).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    }, 120_000);
  }

  it('adds the meter to the running bridge, whose meters page then shows its live values', async () => {
    const { page, errors, close } = await openPage(browser, bridge.url);
    try {
      await connectListed(page, port);
      const keyForm = page.locator('section.connect form.key-form');
      await keyForm.waitFor({ timeout: 30_000 });
      await keyForm.locator('input[name="key"]').fill(KEY);
      await keyForm.locator('button[type="submit"]').click();
      const add = page.locator('section.connect button', { hasText: 'Add to the bridge' });
      await add.click({ timeout: 30_000 });
      await page.locator('section.connect .added').waitFor({ timeout: 30_000 });
      // With a source configured the first-run page gives way to the meters page by itself.
      await page.locator('[data-quantity="power_in"]').first().waitFor({ timeout: 60_000 });
      await shot(page, 'en-light-connect-6-meters');
      // Meter settings name the meter's DLMS system title, by which its frames are told apart.
      await page.getByRole('link', { name: 'Meter settings' }).click();
      await page.getByText('4C475A6773175D39').waitFor({ timeout: 30_000 });
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 120_000);
});
