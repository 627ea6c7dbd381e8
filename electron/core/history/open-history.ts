/** The bridge's history as its config says, in the data dir; a file that cannot be opened leaves the bridge without one. */
import { join } from 'node:path';
import type { BridgeConfig } from '../../../shared/config/schema.ts';
import type { Logger } from '../service/logger.ts';
import { HistoryStore } from './history-store.ts';

const DAY = 86_400;
export const HISTORY_FILE = 'history.sqlite';

export function openHistory(config: BridgeConfig['history'], dataDir: string, log: Logger): HistoryStore | undefined {
  if (!config.enabled) return undefined;
  const file = join(dataDir, HISTORY_FILE);
  try {
    return new HistoryStore({
      file,
      rawSeconds: config.rawDays * DAY,
      minuteSeconds: config.minuteDays * DAY,
      hourSeconds: config.hourDays * DAY,
      maxBytes: config.maxMegabytes * 1024 * 1024,
      // Each batch rewrites the last page of every series it touches (2,000 series for 100 meters): every 5 s rather
      // than every second takes a quarter off the history's CPU. Queries write what is buffered first; a crash loses
      // at most these 5 s and the minute rollups not yet written (the raw readings stay).
      flushMs: 5000,
      warn: (message) => log.warn(message),
    });
  } catch (e) {
    // The live values and the MQTT output matter more than the charts: go on without history, and say why.
    log.error(`history: cannot open ${file} (${(e as Error).message}); running without history`);
    return undefined;
  }
}
