/** What the history's e2e test and bench share: a day of 1 s readings seeded into a bridge's store, the 24 h chart. */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { HistoryStore } from '../../electron/core/history/history-store.ts';

const DAY = 86_400;

/** A day of 1 s readings before now for the meter, written as the bridge writes them: through the store's API. */
export function seedDay(dataDir: string, meterId: string): void {
  const store = new HistoryStore({
    file: join(dataDir, 'history.sqlite'),
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
      // A short export spike every 10 min: min/max buckets keep it at its height.
      { quantity: 'power_out', topic: 'power/power_out', unit: 'W', value: t % 600 === 0 ? 3000 : 0 },
    ]);
    if (t % 600 === 0) store.flush();
  }
  store.close();
}

/** Chooses a range of the chart; resolves with the import line's point count once it has more than `atLeast`. */
export async function chartOf(page: Page, range: string, atLeast: number): Promise<number> {
  await page.getByRole('button', { name: range, exact: true }).click();
  // A string: the function runs in the page, where this file's Node typings have no document.
  const count = "(document.querySelector('.recharts-line-curve')?.getAttribute('d')?.split(/[LC]/).length ?? 0)";
  const handle = await page.waitForFunction(`${count} > ${atLeast} && ${count}`, undefined, { timeout: 30_000 });
  return (await handle.jsonValue()) as number;
}
