/**
 * Meters over their source's `maxMeters`: counted per source, logged at once and then at most once per interval with
 * the count since, never per message (made-up meter IDs must not flood the log either).
 */
import type { Logger } from './logger.ts';

/** Refused meters are logged at once, then at most this often (ms), with the count since. */
const REFUSED_LOG_INTERVAL_MS = 60_000;

export class RefusedMeters {
  /** Per source: meters refused in all and since the last log line. */
  private readonly refused = new Map<string, { total: number; unlogged: number; loggedAt: number }>();

  constructor(private readonly log: Logger) {}

  refuse(sourceId: string, maxMeters: number, meterId: string): void {
    let refused = this.refused.get(sourceId);
    if (!refused) this.refused.set(sourceId, (refused = { total: 0, unlogged: 0, loggedAt: -Infinity }));
    refused.total++;
    refused.unlogged++;
    if (Date.now() - refused.loggedAt >= REFUSED_LOG_INTERVAL_MS) this.logRefused(sourceId, maxMeters, meterId);
  }

  /** Messages refused from this source so far. */
  total(sourceId: string): number | undefined {
    return this.refused.get(sourceId)?.total;
  }

  /** The count since the last line, for each source whose interval has passed. */
  tick(): void {
    for (const [sourceId, refused] of this.refused) {
      if (refused.unlogged > 0 && Date.now() - refused.loggedAt >= REFUSED_LOG_INTERVAL_MS) this.logRefused(sourceId);
    }
  }

  private logRefused(sourceId: string, maxMeters?: number, example?: string): void {
    const refused = this.refused.get(sourceId)!;
    const limit = maxMeters === undefined ? '' : ` (it has ${maxMeters}, its maxMeters)`;
    const which = example === undefined ? '' : `, e.g. ${JSON.stringify(example.slice(0, 80))}`;
    this.log.warn(
      `${sourceId}: refused ${refused.unlogged} message(s) of meters beyond the source's limit${limit}${which}; ` +
        `raise "maxMeters" on the source, or list the meter under "meters", if they are real`,
    );
    refused.unlogged = 0;
    refused.loggedAt = Date.now();
  }
}
