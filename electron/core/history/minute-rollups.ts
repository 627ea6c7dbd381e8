/**
 * The minute and hour rollups kept up to date in memory as readings are written, instead of re-aggregated from the
 * raw table on every batch (that was two GROUP BY queries per series per second). Each series holds the count, min,
 * max and sum of its readings not yet in the file for one minute; when a reading of another minute comes (or on
 * `writeAll`), those are merged into the file's minute and hour rows. Merging adds to what is there, so a minute
 * written in parts (a query meanwhile, a restart) stays exact, as long as each reading is counted once.
 */
import type { Database, Statement } from 'better-sqlite3';

type Merge = Statement<[series: number, t: number, n: number, min: number, max: number, sum: number]>;

/** One series' readings of `minute` not yet written; `n === 0` when there are none. */
interface Open {
  minute: number;
  n: number;
  min: number;
  max: number;
  sum: number;
}

export class MinuteRollups {
  /** Indexed by series id (small integers from SQLite's rowid): no key built per reading. */
  private readonly open: (Open | undefined)[] = [];
  private readonly mergeMinute: Merge;
  private readonly mergeHour: Merge;

  constructor(db: Database) {
    const merge = (table: string): Merge =>
      db.prepare(`INSERT INTO ${table} (series, t, n, min, max, sum) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (series, t) DO UPDATE SET n = n + excluded.n, min = min(min, excluded.min),
        max = max(max, excluded.max), sum = sum + excluded.sum`);
    this.mergeMinute = merge('minute');
    this.mergeHour = merge('hour');
  }

  /** Counts one reading; writes the series' previous minute first when this one starts another. Inside a transaction. */
  add(series: number, t: number, v: number): void {
    const minute = Math.floor(t / 60) * 60;
    const o = this.open[series];
    if (!o) {
      this.open[series] = { minute, n: 1, min: v, max: v, sum: v };
      return;
    }
    if (o.minute !== minute) {
      this.write(series, o);
      o.minute = minute;
    }
    if (o.n === 0) {
      o.min = v;
      o.max = v;
      o.sum = v;
    } else {
      if (v < o.min) o.min = v;
      if (v > o.max) o.max = v;
      o.sum += v;
    }
    o.n++;
  }

  /** Writes what every series holds of minutes before `beforeMinute` (all of it by default). Inside a transaction. */
  writeAll(beforeMinute = Infinity): void {
    this.open.forEach((o, series) => {
      if (o && o.minute < beforeMinute) this.write(series, o);
    });
  }

  private write(series: number, o: Open): void {
    if (o.n === 0) return;
    this.mergeMinute.run(series, o.minute, o.n, o.min, o.max, o.sum);
    this.mergeHour.run(series, Math.floor(o.minute / 3600) * 3600, o.n, o.min, o.max, o.sum);
    o.n = 0;
  }
}
