/**
 * `removed.log`: the sequence numbers of queued records delivered (PUBACK) or dropped. Not fsync'd: losing its tail in
 * a crash only means those records are sent again (a QoS 1 duplicate), never that one is lost. It is compacted by
 * write-temp-then-rename (never renamed over while open, for Windows) and deleted when the queue is empty.
 */
import { open, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeHeader, encodeRemoved } from './queue-file-format.ts';

export const REMOVED_FILE = 'removed.log';
/** Compacted once it has this many lines. */
const COMPACT_AFTER_LINES = 50_000;

export class RemovedLog {
  /** Lines in the file as written so far (0: it does not exist yet and needs its header). */
  private lines = 0;
  private readonly path: string;

  constructor(dir: string) {
    this.path = join(dir, REMOVED_FILE);
  }

  get needsCompaction(): boolean {
    return this.lines > COMPACT_AFTER_LINES;
  }

  async append(text: string): Promise<void> {
    const header = this.lines === 0 ? encodeHeader('removed') : '';
    await writeFile(this.path, header + text, { flag: 'a' });
    this.lines += (header ? 1 : 0) + text.split('\n').length - 1;
  }

  /** Nothing left that a marker could refer to: the file goes. */
  async reset(): Promise<void> {
    await unlinkQuietly(this.path);
    this.lines = 0;
  }

  /** Rewrites the file with only these markers (those that still refer to a record on disk). */
  async compact(seqs: readonly number[]): Promise<void> {
    const temp = `${this.path}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(encodeHeader('removed') + seqs.map(encodeRemoved).join(''), 'utf8');
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.path);
    this.lines = seqs.length + 1;
  }
}

export async function unlinkQuietly(path: string): Promise<void> {
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}
