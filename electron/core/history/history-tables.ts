/**
 * The history's SQLite layout. Raw readings and two rollups; each rollup bucket keeps count, min, max and sum, so that
 * hour buckets are exact merges of minute buckets and a mean is sum / count at any resolution.
 */
import type { Database } from 'better-sqlite3';

export const RESOLUTION_SECONDS = { raw: 0, '1m': 60, '1h': 3600 } as const;
export const TABLE = { raw: 'raw', '1m': 'minute', '1h': 'hour' } as const;

const SCHEMA_VERSION = 1;

export function createTables(db: Database): void {
  // WAL: a reader never waits for the batch writer, and a killed process loses at most the batch not yet committed.
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode syncs at checkpoints, not at each commit: a power cut can lose the last batches but never
  // corrupts the file (the WAL's checksums end it at the last whole commit), and charts can spare a few seconds.
  db.pragma('synchronous = NORMAL');
  // A modest page cache (2 MiB, SQLite's default made explicit) and no memory map, so the file's size never shows
  // up in the service's RSS.
  db.pragma('cache_size = -2048');
  db.pragma('mmap_size = 0');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(`history was written by a newer version (schema ${version}); it is kept unchanged`);
  }
  db.exec(`
    CREATE TABLE IF NOT EXISTS series (
      id INTEGER PRIMARY KEY, meter TEXT NOT NULL, name TEXT NOT NULL, unit TEXT NOT NULL, counter INTEGER NOT NULL,
      UNIQUE (meter, name));
    CREATE TABLE IF NOT EXISTS raw (
      series INTEGER NOT NULL, t REAL NOT NULL, v REAL NOT NULL, PRIMARY KEY (series, t)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS minute (
      series INTEGER NOT NULL, t INTEGER NOT NULL, n INTEGER NOT NULL, min REAL NOT NULL, max REAL NOT NULL,
      sum REAL NOT NULL, PRIMARY KEY (series, t)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS hour (
      series INTEGER NOT NULL, t INTEGER NOT NULL, n INTEGER NOT NULL, min REAL NOT NULL, max REAL NOT NULL,
      sum REAL NOT NULL, PRIMARY KEY (series, t)) WITHOUT ROWID;
  `);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
}
