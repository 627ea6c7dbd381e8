/**
 * The history in the browser against the real `serve` and the simulated meter: a day of 1 s readings, seeded through
 * the store's own API into the running bridge's history file, draws as the 24 h chart (bucketed to the chart's width,
 * not 86,400 points); after a restart of `serve` on the same data dir the day is still there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/mosquitto.ts';
import { startServe, type ServeProcess } from '../helpers/serve-process.ts';
import { untilDefined } from '../helpers/wait.ts';
import { chartOf, seedDay } from './history-kit.ts';
import { openPage, seriousViolations, startBrowser, startSimulatedMeter, stopsAfterAll } from './ui-kit.ts';

let browser: Browser;
let dir: string;
let config: Record<string, unknown>;
let serve: ServeProcess;

async function startUi(): Promise<string> {
  serve = startServe(dir, config);
  return untilDefined(() => /UI and api on (http:\/\/\S+)/.exec(serve.stderr())?.[1], 'serve to listen', 60_000);
}

const defer = stopsAfterAll();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smb-e2e-history-'));
  defer(async () => rmSync(dir, { recursive: true, force: true }));
  browser = await startBrowser(defer);
  const meter = await startSimulatedMeter();
  defer(meter.stop);
  defer(async () => serve?.stop('SIGTERM', 15_000)); // the serve running last, after a restart the second one
  config = { embeddedBroker: { port: await freePort() }, ui: { port: await freePort() }, sources: [meter.source] };
}, 120_000);

describe('history in the browser', () => {
  it('draws a day of 1 s readings as the 24 h chart, and still after serve restarted', async () => {
    const url = await startUi();
    let { page, errors, close } = await openPage(browser, url);
    const meterId = (await page.locator('.meter-id').first().textContent({ timeout: 30_000 })) ?? '';
    expect(meterId).not.toBe('');
    seedDay(join(dir, 'data'), meterId);
    const points = await chartOf(page, '24 h', 500);
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
    ({ page, errors, close } = await openPage(browser, again, { locale: 'de-CH', colorScheme: 'dark' }));
    await page.locator('.meter-id').first().waitFor({ timeout: 30_000 });
    expect(await chartOf(page, '24 Std.', 500)).toBeGreaterThan(500);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join('test', 'e2e', 'screenshots', 'de-dark-history-24h.png'), fullPage: true });
    expect(errors).toEqual([]);
    await close();
  }, 120_000);

  it('keeps drawing the meter’s new readings onto a range from the history', async () => {
    const { page, errors, close } = await openPage(browser, /UI and api on (http:\/\/\S+)/.exec(serve.stderr())![1]!);
    await page.locator('.meter-id').first().waitFor({ timeout: 30_000 });
    await chartOf(page, '5 min', 2);
    const line = page.locator('.recharts-line-curve').first();
    const drawn = await line.getAttribute('d');
    // The simulated meter sends once a second: the line is redrawn with it, without choosing the range again (it
    // redraws only when a sample arrives; the window's start moving on alone does not redraw it).
    const path = "document.querySelector('.recharts-line-curve')?.getAttribute('d')";
    await page.waitForFunction(`${path} !== ${JSON.stringify(drawn)}`, undefined, { timeout: 30_000 });
    expect(errors).toEqual([]);
    await close();
  }, 60_000);
});
