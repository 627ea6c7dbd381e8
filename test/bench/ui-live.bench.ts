/**
 * `npm run bench`, UI live view: what the browser UI costs while a meter sends at its own rate (the simulated DSMR 5,
 * one telegram a second) through the real `serve`, as the main thread's busy time in Chromium (its own task-duration
 * metric) per second of wall time, i.e. the share of one core. The meters page (values and the live chart) and the
 * diagnostics page (no chart) are measured side by side over the same seconds in two tabs of one browser.
 */
import type { Page } from 'playwright-core';
import { launchChromium, openPage, startBridge, startSimulatedMeter } from '../e2e/ui-kit.ts';
import { quick } from './bench-kit.ts';

const SECONDS = quick ? 10 : 60;

async function busySeconds(page: Page): Promise<() => Promise<number>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskDuration = async () =>
    (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')!.value;
  const start = await taskDuration();
  return async () => (await taskDuration()) - start;
}

const meter = await startSimulatedMeter();
const bridge = await startBridge([meter.source]);
const browser = await launchChromium();
try {
  const pages = {
    'meters page (live chart)': await openPage(browser, bridge.url),
    'diagnostics page': await openPage(browser, `${bridge.url}/#/diagnostics`),
  };
  await pages['meters page (live chart)'].page.locator('.recharts-line-curve').first().waitFor({ state: 'attached' });
  const meters = Object.entries(pages).map(async ([name, p]) => [name, await busySeconds(p.page)] as const);
  const measures = await Promise.all(meters);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  const wall = (performance.now() - started) / 1000;
  console.log(`\nUI live view: Chromium main thread busy per second, ${SECONDS} s of one DSMR 5 meter at 1 Hz`);
  for (const [name, busy] of measures) {
    console.log(`  ${name.padEnd(26)} ${((100 * (await busy())) / wall).toFixed(1).padStart(5)} % of one core`);
  }
  for (const p of Object.values(pages)) await p.close();
} finally {
  await browser.close();
  await bridge.stop();
  await meter.stop();
}
