/**
 * The history in the browser against the real `serve` and the simulated meter: a day of 1 s readings, seeded through
 * the store's own API into the running bridge's history file, draws as the 24 h chart (bucketed to the chart's width,
 * not 86,400 points); after a restart of `serve` on the same data dir the day is still there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../electron/core/history/history-store.ts';
import { freePort } from '../helpers/mosquitto.ts';
import { startServe, type ServeProcess } from '../helpers/serve-process.ts';
import { untilDefined } from '../helpers/wait.ts';
import { buildIfStale, launchChromium, openPage, seriousViolations, startSimulatedMeter } from './ui-kit.ts';

const DAY = 86_400;
let browser: Browser;
let meter: Awaited<ReturnType<typeof startSimulatedMeter>>;
let dir: string;
let config: Record<string, unknown>;
let serve: ServeProcess;

async function startUi(): Promise<string> {
  serve = startServe(dir, config);
  return untilDefined(() => /UI and api on (http:\/\/\S+)/.exec(serve.stderr())?.[1], 'serve to listen', 60_000);
}

/** A day of 1 s readings before now for the meter, written as the bridge writes them: through the store's API. */
function seedDay(meterId: string): void {
  const store = new HistoryStore({
    file: join(dir, 'data', 'history.sqlite'),
    rawSeconds: 7 * DAY,
    minuteSeconds: 365 * DAY,
    hourSeconds: 3650 * DAY,
    maxBytes: 1 << 30,
    flushMs: 3_600_000,
  });
  const end = Math.floor(Date.now() / 1000) - 60;
  for (let t = end - DAY; t < end; t++) {
    const watts = 500 + 400 * Math.sin((t / DAY) * 2 * Math.PI);
    store.add(meterId, t, [
      { quantity: 'power_in', topic: 'power/power_in', unit: 'W', value: Math.max(watts, 0) },
      {
        quantity: 'power_out',
        topic: 'power/power_out',
        unit: 'W',
        value: Math.max(-watts, 0) + (t % 600 === 0 ? 3000 : 0),
      },
    ]);
    if (t % 600 === 0) store.flush();
  }
  store.close();
}

/** The 24 h range chosen; resolves with the number of points of the import line once drawn. */
async function dayChart(page: Page): Promise<number> {
  await page.getByRole('button', { name: '24 h' }).click();
  const curve = page.locator('.recharts-line-curve').first();
  await curve.waitFor({ state: 'attached', timeout: 30_000 });
  // A string: the function runs in the page, where this test's Node typings have no document.
  await page.waitForFunction(
    "(document.querySelector('.recharts-line-curve')?.getAttribute('d')?.split(/[LC]/).length ?? 0) > 500",
    undefined,
    { timeout: 30_000 },
  );
  return ((await curve.getAttribute('d')) ?? '').split(/[LC]/).length;
}

beforeAll(async () => {
  buildIfStale();
  browser = await launchChromium();
  meter = await startSimulatedMeter();
  dir = mkdtempSync(join(tmpdir(), 'smb-e2e-history-'));
  config = { embeddedBroker: { port: await freePort() }, ui: { port: await freePort() }, sources: [meter.source] };
}, 120_000);

afterAll(async () => {
  await serve?.stop('SIGTERM', 15_000);
  await browser?.close();
  await meter?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('history in the browser', () => {
  it('draws a day of 1 s readings as the 24 h chart, and still after serve restarted', async () => {
    const url = await startUi();
    let { page, errors, close } = await openPage(browser, url);
    const meterId = (await page.locator('.meter-id').first().textContent({ timeout: 30_000 })) ?? '';
    expect(meterId).not.toBe('');
    seedDay(meterId);
    const points = await dayChart(page);
    // Bucketed to the chart's width by the core: far fewer than the 86,400 readings, more than an hour's worth.
    expect(points).toBeGreaterThan(500);
    expect(points).toBeLessThan(5000);
    expect(await page.locator('.chart [role="alert"]').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join('test', 'e2e', 'screenshots', 'en-light-history-24h.png'), fullPage: true });
    expect(errors).toEqual([]);
    await close();

    expect(await serve.stop('SIGTERM', 15_000)).toBe(0);
    const again = await startUi();
    ({ page, errors, close } = await openPage(browser, again));
    await page.locator('.meter-id').first().waitFor({ timeout: 30_000 });
    expect(await dayChart(page)).toBeGreaterThan(500);
    expect(errors).toEqual([]);
    await close();
  });
});
