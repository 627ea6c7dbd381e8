/**
 * The browser UI end to end, as a first-time user meets it: `serve` with the simulated meter of the README, opened in
 * Chromium. The meters page shows live values with units, every page works in each language and theme (screenshots
 * saved under test/e2e/screenshots/ for people to look at), axe-core finds nothing serious, and with no source
 * configured the first-run page explains what to do.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  openPage,
  SCREENSHOT_VARIANTS,
  SCREENSHOTS,
  seriousViolations,
  startBridge,
  startMeteredSession,
  stopsAfterAll,
  type Bridge,
} from './ui-kit.ts';

const PAGES = ['meters', 'meterSettings', 'devices', 'broker', 'topics', 'diagnostics'] as const;
const UNIT_VALUE = /^-?[\d.,’' \u00a0\u202f]+\u00a0(W|kWh|V|A|m³)$/;

let browser: Browser;
let bridge: Bridge;
const defer = stopsAfterAll();

beforeAll(async () => {
  ({ browser, bridge } = await startMeteredSession(defer));
}, 120_000);

describe('the browser UI against serve and the simulated meter', () => {
  it('opens on the meters page and shows live power, per phase and energy counters with their units', async () => {
    const { page, errors, close } = await openPage(browser, bridge.url);
    try {
      const powerIn = page.locator('[data-quantity="power_in"]').first();
      await powerIn.waitFor({ timeout: 30_000 });
      expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Meters');
      const first = (await powerIn.textContent())!;
      expect(first).toMatch(UNIT_VALUE);
      expect(first).toMatch(/\u00a0W$/);
      // Live: the simulated household's power changes with each message.
      await expect.poll(() => powerIn.textContent(), { timeout: 30_000 }).not.toBe(first);
      for (const quantity of [
        'voltage_l1',
        'current_l1',
        'power_in_l1',
        'energy_in',
        'energy_in_t1',
        'energy_out_t2',
      ]) {
        expect(await page.locator(`[data-quantity="${quantity}"]`).textContent(), quantity).toMatch(UNIT_VALUE);
      }
      expect(await page.locator('[data-quantity="energy_in"]').textContent()).toMatch(/kWh$/);
      // The live chart draws the import and export lines once a few messages arrived.
      await page.locator('.recharts-line-curve').nth(1).waitFor({ state: 'attached', timeout: 30_000 });
      // React's production build, also when a test run built the UI (vitest sets NODE_ENV=test): its development
      // build drew the 24 h chart 2x slower.
      const script = (await page.locator('script[type="module"]').getAttribute('src'))!;
      const bundle = await (await page.request.get(new URL(script, `${bridge.url}/`).href)).text();
      expect(bundle).not.toContain('jsxDEV');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 120_000);

  it('speaks the browser language, switches language (numbers in that locale) and theme, and remembers them', async () => {
    const { page, close } = await openPage(browser, bridge.url, { locale: 'de-DE' });
    try {
      await page.locator('[data-quantity="energy_in"]').waitFor({ timeout: 30_000 });
      expect(await page.locator('nav').textContent()).toContain('Zähler');
      expect(await page.locator('[data-quantity="energy_in"]').textContent()).toMatch(/^[\d.]+,\d{3}\u00a0kWh$/);
      await page.getByLabel('Sprache').selectOption('fr');
      await page.getByRole('heading', { level: 1, name: 'Compteurs' }).waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('fr');
      // The chosen theme applies at once and is remembered.
      await page.getByLabel('Apparence').selectOption('dark');
      expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Compteurs' }).waitFor();
      expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    } finally {
      await close();
    }
  }, 60_000);

  it('lists the sources with their counters, the last raw telegram as text, and the published topics', async () => {
    const { page, errors, close } = await openPage(browser, `${bridge.url}/#/devices`);
    try {
      await page.getByRole('heading', { name: 'Serial ports' }).waitFor();
      expect(await page.locator('table').last().textContent()).toContain('tcp:127.0.0.1:');
      await page.getByRole('link', { name: 'Diagnostics' }).click();
      // The first raw view is the source's last telegram (the frames and log below it come later on the page).
      await page.locator('pre.raw').first().waitFor({ timeout: 30_000 });
      expect(await page.locator('pre.raw').first().textContent()).toMatch(/^\/\w{3}5.*\n[\s\S]*1-0:1\.8\.1\(/);
      await page.getByRole('link', { name: 'Topics' }).click();
      const topic = page.locator('code', { hasText: /^smartmeter\/\w+\/power\/power_in$/ });
      await topic.waitFor({ timeout: 30_000 });
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 60_000);

  it('is reachable by keyboard: the skip link first, then every page link and both settings', async () => {
    const { page, close } = await openPage(browser, bridge.url);
    try {
      await page.locator('[data-quantity="power_in"]').first().waitFor({ timeout: 30_000 });
      const reached: string[] = [];
      for (let i = 0; i < PAGES.length + 3; i++) {
        await page.keyboard.press('Tab');
        // A string, evaluated in the page: the focused control's label, or the focused link's text.
        const focused = 'const el = document.activeElement; (el.closest("label") ?? el).textContent';
        reached.push(await page.evaluate<string>(focused));
      }
      expect(reached[0]).toBe('Skip to content');
      for (const name of ['Meters', 'Meter settings', 'Devices', 'Broker & outputs', 'Diagnostics', 'Topics'])
        expect(reached).toContain(name);
      expect(reached.some((r) => r.startsWith('Language'))).toBe(true);
      expect(reached.some((r) => r.startsWith('Theme'))).toBe(true);
      // The skip link jumps to the content of the page shown, without leaving it.
      await page.goto(`${bridge.url}/#/devices`);
      await page.getByRole('heading', { level: 1, name: 'Devices' }).waitFor();
      // Focused directly: where Tab continues after a hash navigation depends on where the tabs above ended.
      await page.locator('a.skip').focus();
      await page.keyboard.press('Enter');
      expect(await page.evaluate<string>('document.activeElement.id')).toBe('main');
      expect(await page.locator('h1').textContent()).toBe('Devices');
    } finally {
      await close();
    }
  }, 60_000);

  it('says when the bridge is gone, and comes back by itself with live values after a restart', async () => {
    const { page, close } = await openPage(browser, bridge.url);
    try {
      const status = page.getByRole('status');
      await page.locator('[data-quantity="power_in"]').first().waitFor({ timeout: 30_000 });
      expect(await status.textContent()).toBe('Connected to the bridge');
      // Every status text shown from now on, recorded in the page (a string: it runs in the browser).
      await page.evaluate(`{
        const status = document.querySelector('[role=status]');
        window.statuses = [];
        new MutationObserver(() => window.statuses.push(status.textContent)).observe(status, { subtree: true, childList: true, characterData: true });
      }`);
      const restarted = bridge.restart();
      await page.getByText('Connection to the bridge lost, retrying…').waitFor({ timeout: 30_000 });
      await restarted;
      await page.getByText('Connected to the bridge').waitFor({ timeout: 30_000 });
      // Lost until connected again: no flicker back to "connecting" at each retry.
      expect(new Set(await page.evaluate<string[]>('window.statuses'))).toEqual(
        new Set(['Connection to the bridge lost, retrying…', 'Connected to the bridge']),
      );
      // Live again: the value keeps changing with the restarted bridge's messages.
      const powerIn = page.locator('[data-quantity="power_in"]').first();
      await powerIn.waitFor({ timeout: 30_000 });
      const first = await powerIn.textContent();
      await expect.poll(() => powerIn.textContent(), { timeout: 30_000 }).not.toBe(first);
    } finally {
      await close();
    }
  }, 120_000);

  it('fits a phone screen: no page scrolls sideways', async () => {
    const { page, close } = await openPage(browser, bridge.url, { locale: 'de-CH', width: 390 });
    try {
      await page.locator('.recharts-line-curve').first().waitFor({ state: 'attached', timeout: 30_000 });
      for (const name of PAGES) {
        await page.goto(`${bridge.url}/#/${name}`);
        await page.locator('h1').waitFor();
        expect(await page.evaluate<number>('document.documentElement.scrollWidth'), name).toBeLessThanOrEqual(390);
      }
    } finally {
      await close();
    }
  }, 60_000);

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`has no serious or critical axe-core violation on any page (${colorScheme})`, async () => {
      const { page, close } = await openPage(browser, bridge.url, { colorScheme });
      try {
        await page.locator('.recharts-line-curve').first().waitFor({ state: 'attached', timeout: 30_000 });
        for (const name of PAGES) {
          await page.goto(`${bridge.url}/#/${name}`);
          await page.locator('h1').waitFor();
          expect(await seriousViolations(page), `${name} (${colorScheme})`).toEqual([]);
        }
      } finally {
        await close();
      }
    }, 120_000);
  }

  it('saves a screenshot of every page in light and dark, English, German, French and Italian', async () => {
    for (const { locale, colorScheme } of SCREENSHOT_VARIANTS) {
      const { page, errors, close } = await openPage(browser, bridge.url, { locale, colorScheme });
      try {
        await page.locator('.recharts-line-curve').nth(1).waitFor({ state: 'attached', timeout: 30_000 });
        for (const name of PAGES) {
          await page.goto(`${bridge.url}/#/${name}`);
          await page.locator('h1').waitFor();
          if (name === 'devices') await page.locator('#ports-title ~ p:not(.hint)').first().waitFor();
          const file = join(SCREENSHOTS, `${locale.slice(0, 2)}-${colorScheme}-${name}.png`);
          await page.screenshot({ path: file, fullPage: true });
        }
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    }
  }, 400_000);
});

describe('the UI in the desktop app', () => {
  it('talks to the core through the preload’s functions, not a socket', async () => {
    // What electron/preload puts into the page, played by a script with one canned view (Electron itself cannot run here).
    const view = {
      version: '9.9.9',
      baseTopic: 'smartmeter',
      broker: { status: 'connected', url: 'mqtt://127.0.0.1:1883' },
      publisher: { delivered: 0, queued: 0, dropped: 0, rejected: 0, failed: 0 },
      sources: [
        {
          id: 'p1',
          type: 'serial',
          label: 'serial:/dev/ttyUSB0',
          state: { state: 'open' },
          counters: { framesOk: 1, crcErrors: 0, decryptErrors: 0, otherErrors: 0 },
        },
      ],
      meters: [
        {
          meterId: 'M1',
          topicId: 'M1',
          online: true,
          firstSeen: 1,
          isNew: false,
          lastSeen: 1_800_000_000,
          interval: 1,
          info: { protocol: 'dsmr' },
          readings: [{ quantity: 'power_in', topic: 'power/power_in', value: 1234, unit: 'W' }],
        },
      ],
    };
    const initScript = `
      window.smartmeterBridge = {
        getBridge: async () => (${JSON.stringify(view)}),
        listSerialPorts: async () => [],
        onEvent: () => () => undefined,
      };
      window.socketsOpened = 0;
      window.WebSocket = class extends WebSocket {
        constructor(...args) { super(...args); window.socketsOpened++; }
      };`;
    const { page, close } = await openPage(browser, bridge.url, { initScript });
    try {
      await page.locator('[data-quantity="power_in"]', { hasText: '1,234' }).waitFor({ timeout: 30_000 });
      expect(await page.locator('footer').textContent()).toBe('Version 9.9.9');
      expect(await page.evaluate<number>('window.socketsOpened')).toBe(0);
    } finally {
      await close();
    }
  }, 60_000);
});

describe('the browser UI with nothing configured', () => {
  it('opens on a first-run page that says what to do, with no axe-core violation', async () => {
    const empty = await startBridge([]);
    try {
      for (const [locale, colorScheme] of [
        ['en-GB', 'light'],
        ['en-GB', 'dark'],
        ['de-CH', 'light'],
        ['fr-CH', 'dark'],
        ['it-CH', 'light'],
        ['it-CH', 'dark'],
      ] as const) {
        const { page, close } = await openPage(browser, empty.url, { locale, colorScheme });
        try {
          await page.locator('.first-run').waitFor({ timeout: 30_000 });
          if (locale === 'en-GB') {
            expect(await page.locator('h1').textContent()).toBe('Welcome to Smartmeter Bridge');
            expect(await page.locator('.first-run').textContent()).toContain('simulate --meter dsmr5');
            expect(await seriousViolations(page)).toEqual([]);
          }
          if (locale === 'en-GB' && colorScheme === 'light') {
            // The meters page, asked for by name, explains the same, and the other pages work.
            await page.goto(`${empty.url}/#/devices`);
            await page.getByRole('heading', { level: 1, name: 'Devices' }).waitFor();
            await page.getByRole('link', { name: 'Meters' }).click();
            await page.locator('.first-run').waitFor();
          }
          // Even the comments of the config example are in the user's language.
          if (locale === 'fr-CH')
            expect(await page.locator('.first-run pre').first().textContent()).toContain('# COM3 sous Windows');
          await page.screenshot({ path: join(SCREENSHOTS, `${locale.slice(0, 2)}-${colorScheme}-first-run.png`) });
        } finally {
          await close();
        }
      }
    } finally {
      await empty.stop();
    }
  }, 120_000);
});
