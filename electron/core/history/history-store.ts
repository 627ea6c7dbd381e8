/**
 * The readings' history in one SQLite file in the data dir: every reading for `rawSeconds`, 1-minute aggregates for
 * `minuteSeconds`, 1-hour aggregates for `hourSeconds`, the whole bounded by `maxBytes`. Readings are buffered and
 * written by a timer, one transaction per batch of multi-row inserts, so the publish path never waits for the disk;
 * the rollups are kept in memory and written once a minute per series (minute-rollups.ts).
 */
import Sqlite, { type Database, type Statement } from 'better-sqlite3';
import type { HistoryQuery, HistoryResolution, HistorySeries } from '../../../shared/history.ts';
import { QUANTITIES } from '../../../shared/profile/quantities.ts';
import type { Reading } from '../../../shared/profile/harmonize.ts';
import { createTables, RESOLUTION_SECONDS, TABLE } from './history-tables.ts';
import { MinuteRollups } from './minute-rollups.ts';

export interface HistoryStoreOptions {
  file: string;
  rawSeconds: number;
  minuteSeconds: number;
  hourSeconds: number;
  maxBytes: number;
  /** How often buffered readings are written. */
  flushMs: number;
  /** Unix seconds; a test seam. */
  now?: () => number;
  /** Problems while running (a failed write, data dropped to stay within maxBytes), reported once each time. */
  warn?: (message: string) => void;
}

export interface HistoryStats {
  /** Readings written since the store opened. */
  written: number;
  /** Readings not kept: older than the raw retention, or lost with a write that failed. */
  dropped: number;
}

/** Counters only rise, so a bucket's last reading is its highest: one aggregate serves both kinds. */
const COUNTERS = new Set(QUANTITIES.filter((q) => q.ha.stateClass === 'total_increasing').map((q) => q.id));
/** Retention and the size bound are enforced this often (s), not on every batch. */
const PRUNE_INTERVAL = 60;
/** Buffered readings beyond this are dropped (and counted) while writes fail, so memory stays bounded. */
const MAX_PENDING = 200_000;
/** Rows per multi-row insert (3 parameters each); a batch's rest goes in halving sizes, so at most 9 statements. */
const INSERT_ROWS = 256;

export class HistoryStore {
  readonly stats: HistoryStats = { written: 0, dropped: 0 };
  private readonly db: Database;
  private readonly now: () => number;
  /** Per meter, per reading topic: its series' row id (no string built per reading). */
  private readonly seriesIds = new Map<string, Map<string, number>>();
  /** Buffered readings, flat: series, t, v, series, t, v, ... (no object per reading). */
  private pending: number[] = [];
  private readonly timer: NodeJS.Timeout;
  private prunedAt = -Infinity;
  /** Multi-row inserts by their row count, prepared when first needed. */
  private readonly insertRaw = new Map<number, Statement<[number[]]>>();
  private readonly rollups: MinuteRollups;
  private readonly insertSeries: Statement<[string, string, string, number]>;
  private readonly findSeries: Statement<[string, string], { id: number; unit: string; counter: number }>;

  constructor(private readonly options: HistoryStoreOptions) {
    this.now = options.now ?? (() => Date.now() / 1000);
    this.db = new Sqlite(options.file);
    try {
      createTables(this.db);
    } catch (e) {
      this.db.close();
      throw e;
    }
    this.rollups = new MinuteRollups(this.db);
    this.insertSeries = this.db.prepare('INSERT INTO series (meter, name, unit, counter) VALUES (?, ?, ?, ?)');
    this.findSeries = this.db.prepare('SELECT id, unit, counter FROM series WHERE meter = ? AND name = ?');
    this.timer = setInterval(() => this.flush(), options.flushMs);
    this.timer.unref();
  }

  /** Buffers a meter's readings received at `at` (unix seconds); written by the next flush. */
  add(meterId: string, at: number, readings: readonly Reading[]): void {
    if (at < this.now() - this.options.rawSeconds) {
      this.stats.dropped += readings.length;
      return;
    }
    for (const r of readings) {
      if (!Number.isFinite(r.value)) continue;
      if (this.pending.length >= MAX_PENDING * 3) {
        this.stats.dropped++;
        continue;
      }
      this.pending.push(this.seriesId(meterId, r), at, r.value);
    }
  }

  /** Writes what is buffered in one transaction and counts it into the rollups. */
  flush(): void {
    if (this.pending.length > 0) this.write(this.pending);
    this.pending = [];
    this.pruneIfDue();
  }

  private write(batch: number[]): void {
    const rows = batch.length / 3;
    try {
      this.db.transaction(() => {
        let row = 0;
        for (let size = INSERT_ROWS; size >= 1; size >>= 1) {
          for (; rows - row >= size; row += size)
            this.insertStatement(size).run(batch.slice(row * 3, (row + size) * 3));
        }
        for (let i = 0; i < batch.length; i += 3) this.rollups.add(batch[i]!, batch[i + 1]!, batch[i + 2]!);
      })();
      this.stats.written += rows;
    } catch (e) {
      this.stats.dropped += rows;
      this.options.warn?.(`history: could not write ${rows} reading(s): ${(e as Error).message}`);
    }
  }

  /** Writes the rollups' open minutes (queries and close see every reading; a stopped meter's minute gets written). */
  private writeRollups(beforeMinute?: number): void {
    try {
      this.db.transaction(() => this.rollups.writeAll(beforeMinute))();
    } catch (e) {
      this.options.warn?.(`history: could not write the rollups: ${(e as Error).message}`);
    }
  }

  private insertStatement(rows: number): Statement<[number[]]> {
    let statement = this.insertRaw.get(rows);
    if (!statement) {
      const values = Array.from({ length: rows }, () => '(?, ?, ?)').join(', ');
      statement = this.db.prepare<[number[]]>(`INSERT OR REPLACE INTO raw (series, t, v) VALUES ${values}`);
      this.insertRaw.set(rows, statement);
    }
    return statement;
  }

  /**
   * The series asked for over [from, to), about `points` buckets each, from the finest resolution still kept.
   * Without `points`: every raw reading, or the rollup's own buckets.
   */
  query(q: HistoryQuery): HistorySeries[] {
    this.flush();
    this.writeRollups();
    const span = Math.max(q.to - q.from, 1);
    const resolution = this.resolutionFor(q.from, q.points ? span / q.points : 0);
    const step = RESOLUTION_SECONDS[resolution];
    const bucket = q.points ? Math.max(step, span / q.points) : step;
    // A rollup bucket starting before `from` still holds readings inside the range: start at its start.
    const from = step ? Math.floor(q.from / step) * step : q.from;
    const statement = this.bucketStatement(resolution, bucket > 0);
    const out: HistorySeries[] = [];
    for (const quantity of q.quantities) {
      const found = this.findSeries.get(q.meterId, quantity);
      if (!found) continue;
      const counter = found.counter === 1;
      const series: HistorySeries = {
        quantity,
        unit: found.unit,
        counter,
        resolution,
        bucketSeconds: bucket,
        t: [],
        value: [],
        min: [],
        max: [],
      };
      // Rows as arrays (b, lo, hi, mean), fetched at once: a day of every reading is 86,400 of them.
      const rows = statement.raw(true).all({ series: found.id, from, to: q.to, width: bucket }) as unknown as Bucket[];
      for (const [b, lo, hi, mean] of rows) {
        series.t.push(bucket ? from + b * bucket : b);
        series.value.push(counter ? hi : mean);
        series.min.push(lo);
        series.max.push(hi);
      }
      out.push(series);
    }
    return out;
  }

  /** Rows per bucket of `(t - from) / width`, or (raw, unbucketed) one row per reading with its own time. */
  private bucketStatement(resolution: HistoryResolution, bucketed: boolean): Statement<[BucketParams]> {
    const where = 'WHERE series = @series AND t >= @from AND t < @to';
    const bucket = 'CAST((t - @from) / @width AS INTEGER) AS b';
    const sql =
      resolution !== 'raw'
        ? `SELECT ${bucket}, min(min) AS lo, max(max) AS hi, sum(sum) / sum(n) AS mean FROM ${TABLE[resolution]} ${where}
           GROUP BY b ORDER BY b`
        : bucketed
          ? `SELECT ${bucket}, min(v) AS lo, max(v) AS hi, avg(v) AS mean FROM raw ${where} GROUP BY b ORDER BY b`
          : `SELECT t AS b, v AS lo, v AS hi, v AS mean FROM raw ${where} ORDER BY t`;
    return this.db.prepare<[BucketParams]>(sql);
  }

  /** Bytes the history's data takes in its file (free pages not counted). */
  usedBytes(): number {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * pageSize;
  }

  /** Writes what is buffered and closes the file. */
  close(): void {
    clearInterval(this.timer);
    this.flush();
    this.writeRollups();
    this.db.close();
  }

  /** Raw readings where the buckets are finer than a minute and raw data reaches back far enough; else rollups. */
  private resolutionFor(from: number, bucket: number): HistoryResolution {
    const age = this.now() - from;
    if (bucket < 60 && age <= this.options.rawSeconds) return 'raw';
    if (bucket < 3600 && age <= this.options.minuteSeconds) return '1m';
    return '1h';
  }

  private seriesId(meter: string, r: Reading): number {
    let ofMeter = this.seriesIds.get(meter);
    if (!ofMeter) this.seriesIds.set(meter, (ofMeter = new Map()));
    let id = ofMeter.get(r.topic);
    if (id === undefined) {
      const name = r.topic.slice(r.topic.lastIndexOf('/') + 1);
      id =
        this.findSeries.get(meter, name)?.id ??
        Number(this.insertSeries.run(meter, name, r.unit, COUNTERS.has(r.quantity) ? 1 : 0).lastInsertRowid);
      ofMeter.set(r.topic, id);
    }
    return id;
  }

  private pruneIfDue(): void {
    const now = this.now();
    if (now - this.prunedAt < PRUNE_INTERVAL) return;
    this.prunedAt = now;
    this.writeRollups(Math.floor(now / 60) * 60);
    const { rawSeconds, minuteSeconds, hourSeconds } = this.options;
    try {
      this.db.transaction(() => {
        // Per series: a range of the (series, t) key each, where `t < ?` alone would scan every row kept.
        const series = this.db.prepare('SELECT id FROM series').pluck().all() as number[];
        for (const [table, keep] of [
          ['raw', rawSeconds],
          ['minute', minuteSeconds],
          ['hour', hourSeconds],
        ] as const) {
          const remove = this.db.prepare(`DELETE FROM ${table} WHERE series = ? AND t < ?`);
          for (const id of series) remove.run(id, now - keep);
        }
      })();
      this.shrinkToBound();
    } catch (e) {
      this.options.warn?.(`history: could not remove old data: ${(e as Error).message}`);
    }
  }

  /** Over maxBytes: the oldest quarter of the finest data goes first (raw, then minutes, then hours). */
  private shrinkToBound(): void {
    for (let round = 0; round < 40 && this.usedBytes() > this.options.maxBytes; round++) {
      const table = (['raw', 'minute', 'hour'] as const).find(
        (name) => this.db.prepare(`SELECT 1 FROM ${name} LIMIT 1`).get() !== undefined,
      );
      if (!table) return;
      const { lo, hi } = this.db.prepare(`SELECT min(t) AS lo, max(t) AS hi FROM ${table}`).get() as Span;
      const cut = lo + Math.max((hi - lo) / 4, 1);
      const removed = this.db.prepare(`DELETE FROM ${table} WHERE t < ?`).run(cut).changes;
      this.options.warn?.(
        `history: over its size limit (${this.options.maxBytes} bytes): removed ${removed} of the oldest rows (${table})`,
      );
    }
  }
}

type BucketParams = { series: number; from: number; to: number; width: number };
/** b: the bucket's index (or, unbucketed, the reading's time), then min, max and mean. */
type Bucket = [b: number, lo: number, hi: number, mean: number];
type Span = { lo: number; hi: number };
