/**
 * Reads an offline queue directory at start: segment files with the records not marked removed, damaged lines and
 * unreadable files counted (a file in an unknown format is set aside as `*.unreadable`, never read or appended to),
 * leftover temporary files and fully removed segments deleted.
 */
import { readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDirs } from '../fs/make-dirs.ts';
import { parseRemoved, parseSegment } from './queue-file-format.ts';
import { newSegment, SEGMENT_FILE, type Segment } from './queue-segment.ts';
import { REMOVED_FILE, unlinkQuietly } from './removed-log.ts';

export interface LoadedQueue {
  /** Segments with at least one record left, oldest first; no message is held in memory yet. */
  segments: Segment[];
  /** The highest sequence number seen, removed records included. */
  maxSeq: number;
  damagedLines: number;
  damagedFiles: number;
}

export async function loadQueueDir(dir: string): Promise<LoadedQueue> {
  makeDirs(dir);
  const files = (await readdir(dir)).sort();
  for (const file of files) if (file.endsWith('.tmp')) await unlinkQuietly(join(dir, file));
  const loaded: LoadedQueue = { segments: [], maxSeq: 0, damagedLines: 0, damagedFiles: 0 };
  const setAside = async (file: string): Promise<void> => {
    loaded.damagedFiles++;
    const path = join(dir, file);
    await rename(path, `${path}.unreadable`).catch(() => unlinkQuietly(path));
  };

  const removed = new Set<number>();
  if (files.includes(REMOVED_FILE)) {
    const parsed = parseRemoved(await readFile(join(dir, REMOVED_FILE), 'utf8'));
    if (!parsed.readable) await setAside(REMOVED_FILE);
    // A damaged removal marker only costs a duplicate send; it is not counted as a damaged message.
    for (const { value } of parsed.items) removed.add(value);
  }
  for (const seq of removed) loaded.maxSeq = Math.max(loaded.maxSeq, seq);

  const seen = new Set<number>();
  for (const file of files) {
    const match = SEGMENT_FILE.exec(file);
    if (!match) continue;
    const parsed = parseSegment(await readFile(join(dir, file), 'utf8'));
    if (!parsed.readable) {
      await setAside(file);
      continue;
    }
    loaded.damagedLines += parsed.damagedLines;
    const segment = newSegment(file, Number(match[1]), false);
    for (const { value, bytes } of parsed.items) {
      loaded.maxSeq = Math.max(loaded.maxSeq, value.seq);
      if (seen.has(value.seq)) continue;
      const gone = removed.has(value.seq);
      segment.entries.push({
        seq: value.seq,
        bytes,
        segment,
        index: segment.entries.length,
        state: gone ? 'removed' : 'ready',
        lease: 0,
        message: undefined,
      });
      if (gone) continue;
      seen.add(value.seq);
      segment.remaining++;
      segment.bytes += bytes;
    }
    if (segment.remaining === 0) await unlinkQuietly(join(dir, file));
    else loaded.segments.push(segment);
  }
  return loaded;
}
