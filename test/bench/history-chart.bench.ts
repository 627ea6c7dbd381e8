/**
 * `npm run bench`, history chart: the time from choosing a range on the meters page to its lines drawn in Chromium,
 * against the real `serve` with a day of 1 s readings (seeded through the store's API) and the simulated meter.
 * 24 h beside 5 min in the same page and run, so the ratio says what a day of history costs over a few minutes.
 */
import { join } from 'node:path';
import { buildIfStale, launchChromium, openPage, startSimulatedMeter } from '../e2e/ui-kit.ts';
import { chartOf, seedDay } from '../e2e/history-kit.ts';
import { freePort } from '../helpers/mosquitto.ts';
import { startServe } from '../helpers/serve-process.ts';
import { untilDefined } from '../helpers/wait.ts';
import { median, quick, scratchDir } from './bench-kit.ts';

const RUNS = quick ? 3 : 11;

buildIfStale();
const dir = scratchDir('smb-bench-history-chart-');
const meter = await startSimulatedMeter();
const config = { embeddedBroker: { port: await freePort() }, ui: { port: await freePort() }, sources: [meter.source] };
const serve = startServe(dir.path, config);
const browser = await launchChromium();
try {
  const url = await untilDefined(() => /UI and api on (http:\/\/\S+)/.exec(serve.stderr())?.[1], 'serve', 60_000);
  const { page, close } = await openPage(browser, url);
  const meterId = (await page.locator('.meter-id').first().textContent({ timeout: 30_000 })) ?? '';
  seedDay(join(dir.path, 'data'), meterId);
  // 5 min of 1 s readings is about 300 points; a day, bucketed to the chart's width, more than 500.
  const ranges = [
    ['24 h', 500],
    ['5 min', 100],
  ] as const;
  const times = new Map<string, number[]>(ranges.map(([name]) => [name, []]));
  const points = new Map<string, number>();
  for (let run = 0; run < RUNS; run++) {
    for (const [name, atLeast] of ranges) {
      await chartOf(page, 'Since opened', 1);
      const start = performance.now();
      points.set(name, await chartOf(page, name, atLeast));
      times.get(name)!.push(performance.now() - start);
    }
  }
  console.log(`\nHistory chart in Chromium: range chosen to lines drawn (query, transfer, render), median of ${RUNS}`);
  const day = median(times.get('24 h')!);
  for (const [name] of ranges) {
    const ms = median(times.get(name)!);
    console.log(
      `  ${name.padEnd(6)} ${ms.toFixed(0).padStart(5)} ms  ${String(points.get(name)).padStart(5)} points  24 h / this: ${(day / ms).toFixed(2)}`,
    );
  }
  await close();
} finally {
  await browser.close();
  await serve.stop('SIGTERM', 15_000);
  await meter.stop();
  dir.remove();
}
