/**
 * A bounded on-disk queue of outbound MQTT messages that survives a restart (plain files, no native modules).
 *
 * Layout of the directory (format: queue-file-format.ts):
 * - `segment-<first seq>.log` (queue-segment.ts): records appended in sequence order, group-committed (queue-io.ts)
 *   through a file handle kept open while the segment is written, and on disk before `append()` resolves.
 * - `removed.log` (removed-log.ts): the sequence numbers of records delivered or dropped.
 * A segment whose records are all removed is deleted; when the queue is empty, removed.log is deleted too. Over a cap
 * the oldest records are dropped in batches (drop-policy.ts). Reading a directory at start: queue-load.ts.
 *
 * Records are delivered in sequence order (oldest first); the caller numbers messages with `allocateSeq()`.
 */
import { EventEmitter } from 'node:events';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { entriesToDrop, type QueueCaps } from './drop-policy.ts';
import type { OutboundMessage } from './outbound-message.ts';
import { encodeHeader, encodeRecord, encodeRemoved, parseSegment, type StoredRecord } from './queue-file-format.ts';
import { QueueIo, type AppendOp } from './queue-io.ts';
import { loadQueueDir } from './queue-load.ts';
import { closeHandle, newSegment, segmentFileName, type Entry, type Segment } from './queue-segment.ts';
import { RemovedLog, unlinkQuietly } from './removed-log.ts';

export type { StoredRecord } from './queue-file-format.ts';

export interface OfflineQueueOptions {
  /** Directory of the queue files (created if missing); one queue per directory. */
  dir: string;
  /** Cap on queued messages; beyond it the oldest are dropped and counted. Default 100 000. */
  maxMessages?: number;
  /** Cap on the queue's size on disk in bytes; beyond it the oldest are dropped and counted. Default 64 MiB. */
  maxBytes?: number;
  /** A segment file is closed after this many records or bytes (the granularity of file deletion). */
  segmentMaxRecords?: number;
  segmentMaxBytes?: number;
}

export interface OfflineQueueStats {
  /** Messages waiting, including those currently being sent from the queue. */
  messages: number;
  bytes: number;
  /** Oldest messages dropped because a cap was reached, since this queue object was opened. */
  dropped: number;
  /** Damaged lines skipped (checksum or format), and whole files set aside (`*.unreadable`), since opened. */
  damagedLines: number;
  damagedFiles: number;
}

export class QueueWriteError extends Error {
  readonly kind = 'queue-write';
}

export interface OfflineQueueEvents {
  /** Messages dropped because a cap was reached: `count` now, `total` since opened. */
  dropped: [count: number, total: number];
  /** A problem that costs at most a duplicate (e.g. a removal marker could not be written). */
  warning: [message: string];
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class OfflineQueue extends EventEmitter<OfflineQueueEvents> {
  private readonly dir: string;
  private readonly caps: QueueCaps;
  private readonly segmentMaxRecords: number;
  private readonly segmentMaxBytes: number;
  private segments: Segment[] = [];
  private readonly bySeq = new Map<number, Entry>();
  private nextSeq = 1;
  private messages = 0;
  /** Records neither leased nor removed: what take() can hand out now. */
  private ready = 0;
  private bytes = 0;
  private dropped = 0;
  private damagedLines = 0;
  private damagedFiles = 0;
  private leaseCounter = 0;
  private readonly removedLog: RemovedLog;
  private readonly io: QueueIo;
  private closed = false;

  private constructor(options: OfflineQueueOptions) {
    super();
    this.dir = options.dir;
    this.caps = {
      maxMessages: Math.max(1, options.maxMessages ?? 100_000),
      maxBytes: Math.max(1, options.maxBytes ?? 64 * 1024 * 1024),
    };
    this.segmentMaxRecords = Math.max(1, options.segmentMaxRecords ?? 1000);
    this.segmentMaxBytes = Math.max(1, options.segmentMaxBytes ?? 1024 * 1024);
    this.removedLog = new RemovedLog(this.dir);
    this.io = new QueueIo({
      writeAppend: (op) => this.writeAppend(op),
      appendRemoved: (text) => this.removedLog.append(text),
      warn: (error) => this.emit('warning', `offline queue: ${describe(error)}`),
    });
  }

  /** Opens (or creates) the queue in `options.dir`; damaged lines and files are skipped and counted, never fatal. */
  static async open(options: OfflineQueueOptions): Promise<OfflineQueue> {
    const queue = new OfflineQueue(options);
    await queue.load();
    return queue;
  }

  /** A new sequence number, higher than any in the queue; every message gets one, queued or not. */
  allocateSeq(): number {
    return this.nextSeq++;
  }

  stats(): OfflineQueueStats {
    const { messages, bytes, dropped, damagedLines, damagedFiles } = this;
    return { messages, bytes, dropped, damagedLines, damagedFiles };
  }

  get size(): number {
    return this.messages;
  }

  /** Records waiting to be taken (queued and not being sent right now). */
  get readyCount(): number {
    return this.ready;
  }

  /**
   * Queues records; resolves once they are on disk (rejects with QueueWriteError if the disk refuses, and those
   * records leave the queue). Records older than the queue's newest go before it in sequence order.
   */
  append(records: readonly StoredRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new QueueWriteError('the offline queue is closed'));
    const sorted = records.length === 1 ? records : [...records].sort((a, b) => a.seq - b.seq);
    // One promise per write (group commit), not per record: usually one for the whole call.
    const written: Promise<void>[] = [];
    let target: Segment | undefined;
    for (const record of sorted) {
      if (this.bySeq.has(record.seq)) continue;
      const line = encodeRecord(record);
      const bytes = Buffer.byteLength(line, 'utf8');
      target = this.segmentFor(record.seq, bytes, target);
      const entry: Entry = {
        seq: record.seq,
        bytes,
        segment: target,
        index: target.entries.length,
        state: 'ready',
        lease: 0,
        message: record.message,
      };
      target.entries.push(entry);
      target.remaining++;
      target.bytes += bytes;
      this.bySeq.set(entry.seq, entry);
      this.messages++;
      this.ready++;
      this.bytes += bytes;
      this.nextSeq = Math.max(this.nextSeq, record.seq + 1);
      const write = this.io.append(target, line, entry, entry.index === 0 ? encodeHeader('segment') : '');
      if (written.at(-1) !== write) written.push(write);
    }
    this.trimToCap();
    if (written.length <= 1) return written[0] ?? Promise.resolve();
    return Promise.all(written).then(() => undefined);
  }

  /** Leases up to `limit` of the oldest ready records for sending; they stay queued until `remove()`. */
  async take(limit: number): Promise<StoredRecord[]> {
    const lease = ++this.leaseCounter;
    const picked: Entry[] = [];
    for (const segment of this.segments) {
      for (let i = segment.scanFrom; i < segment.entries.length && picked.length < limit; i++) {
        const entry = segment.entries[i]!;
        if (entry.state === 'ready') {
          entry.state = 'leased';
          entry.lease = lease;
          this.ready--;
          picked.push(entry);
        }
        if (i === segment.scanFrom) segment.scanFrom++;
      }
      if (picked.length >= limit) break;
    }
    const missing = new Set(picked.filter((e) => e.message === undefined).map((e) => e.segment));
    for (const segment of missing) await this.io.task(() => this.readBack(segment));
    // Between lease and return an entry may have been released, dropped or found damaged: hand out only what is still ours.
    return picked
      .filter((e) => e.state === 'leased' && e.lease === lease && e.message !== undefined)
      .map((e) => ({ seq: e.seq, message: e.message! }));
  }

  /** Makes leased records ready again (their send failed); they keep their place in the order. */
  release(seqs: Iterable<number>): void {
    for (const seq of seqs) {
      const entry = this.bySeq.get(seq);
      if (entry?.state !== 'leased') continue;
      entry.state = 'ready';
      this.ready++;
      entry.segment.scanFrom = Math.min(entry.segment.scanFrom, entry.index);
    }
  }

  /** Removes a record for good (its PUBACK arrived, or the broker rejected it for good). */
  remove(seq: number): void {
    const entry = this.bySeq.get(seq);
    if (entry) this.removeEntry(entry);
  }

  /** Waits for every pending write; afterwards append() is refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.io.idle();
    await Promise.all(this.segments.map(closeHandle));
  }

  private hasRoom(s: Segment | undefined, seq: number, bytes: number): boolean {
    return (
      s !== undefined &&
      s.appendable &&
      s.entries.length < this.segmentMaxRecords &&
      (s.bytes + bytes <= this.segmentMaxBytes || s.entries.length === 0) &&
      (s.entries.at(-1)?.seq ?? 0) < seq
    );
  }

  private segmentFor(seq: number, bytes: number, previous: Segment | undefined): Segment {
    if (this.hasRoom(previous, seq, bytes)) return previous!;
    const last = this.segments.at(-1);
    if (this.hasRoom(last, seq, bytes)) return last!;
    // A full segment is never appended to again: its file handle can go once its pending writes are done.
    if (last?.appendable && last.entries.length > 0 && (last.entries.at(-1)?.seq ?? 0) < seq) {
      last.appendable = false;
      void this.io.task(() => closeHandle(last));
    }
    const segment = newSegment(segmentFileName(seq), seq, true);
    const at = this.segments.findIndex((s) => s.firstSeq > seq);
    this.segments.splice(at === -1 ? this.segments.length : at, 0, segment);
    return segment;
  }

  private trimToCap(): void {
    const drop = entriesToDrop(this.segments, this.caps, this.messages, this.bytes);
    if (drop.length === 0) return;
    for (const entry of drop) this.removeEntry(entry);
    this.dropped += drop.length;
    this.emit('dropped', drop.length, this.dropped);
  }

  private removeEntry(entry: Entry): void {
    if (entry.state === 'removed') return;
    if (entry.state === 'ready') this.ready--;
    entry.state = 'removed';
    entry.message = undefined;
    this.bySeq.delete(entry.seq);
    this.messages--;
    this.bytes -= entry.bytes;
    const segment = entry.segment;
    segment.remaining--;
    this.io.removed(encodeRemoved(entry.seq));
    if (segment.remaining > 0) return;
    segment.appendable = false;
    this.segments = this.segments.filter((s) => s !== segment);
    const path = join(this.dir, segment.file);
    void this.io.task(async () => {
      await closeHandle(segment);
      await unlinkQuietly(path);
    });
    // Nothing left that a marker could refer to: start the removal log afresh; otherwise keep it from growing forever.
    if (this.segments.length === 0) void this.io.task(() => this.removedLog.reset());
    else if (this.removedLog.needsCompaction) void this.io.task(() => this.compactRemovedLog());
  }

  private async writeAppend(op: AppendOp): Promise<void> {
    const segment = op.segment;
    try {
      segment.handle ??= await open(join(this.dir, segment.file), 'a');
      await segment.handle.writeFile(op.text, 'utf8');
      await segment.handle.datasync();
      if (op.entries[0]?.index === 0) await this.syncDirectory();
    } catch (error) {
      // A partly written line may now end the file: never append to it again, and take these records back.
      segment.appendable = false;
      await closeHandle(segment).catch(() => {});
      for (const entry of op.entries) this.removeEntry(entry);
      op.done.reject(new QueueWriteError(`could not write the offline queue (${describe(error)})`));
      return;
    }
    // Keep in memory only what will be sent soon (the head of the queue); the rest is read back when its turn comes.
    // A record already taken keeps its message: take() is handing it out right now.
    if (this.segments.indexOf(segment) > 1) {
      for (const entry of op.entries) if (entry.state === 'ready') entry.message = undefined;
    }
    op.done.resolve();
  }

  /** Makes a new file's name durable too (POSIX); Windows cannot open a directory and needs no such step. */
  private async syncDirectory(): Promise<void> {
    const handle = await open(this.dir, 'r').catch(() => undefined);
    if (!handle) return;
    await handle.sync().catch(() => {});
    await handle.close();
  }

  private async readBack(segment: Segment): Promise<void> {
    const wanted = segment.entries.filter((e) => e.state !== 'removed' && e.message === undefined);
    if (wanted.length === 0) return;
    let found = new Map<number, OutboundMessage>();
    try {
      const parsed = parseSegment(await readFile(join(this.dir, segment.file), 'utf8'));
      found = new Map(parsed.items.map(({ value }) => [value.seq, value.message]));
    } catch (error) {
      this.emit('warning', `offline queue: cannot read ${segment.file} (${describe(error)})`);
    }
    for (const entry of wanted) {
      entry.message = found.get(entry.seq);
      if (entry.message !== undefined) continue;
      this.damagedLines++;
      this.removeEntry(entry);
    }
  }

  /** Keeps only the markers that still refer to a record on disk. */
  private compactRemovedLog(): Promise<void> {
    const seqs = this.segments.flatMap((s) => s.entries.filter((e) => e.state === 'removed').map((e) => e.seq));
    return this.removedLog.compact(seqs);
  }

  private async load(): Promise<void> {
    const loaded = await loadQueueDir(this.dir);
    this.damagedLines = loaded.damagedLines;
    this.damagedFiles = loaded.damagedFiles;
    this.segments = loaded.segments;
    for (const segment of this.segments) {
      for (const entry of segment.entries) if (entry.state !== 'removed') this.bySeq.set(entry.seq, entry);
      this.messages += segment.remaining;
      this.ready += segment.remaining;
      this.bytes += segment.bytes;
    }
    this.nextSeq = loaded.maxSeq + 1;
    if (this.segments.length === 0) await this.removedLog.reset();
    else await this.compactRemovedLog();
    this.trimToCap();
  }
}
