/**
 * A bounded on-disk queue of outbound MQTT messages that survives a restart (plain files, no native modules).
 *
 * Layout of the directory (format: queue-file-format.ts):
 * - `segment-<first seq>.log`: records appended in sequence order; a segment is only ever appended to by the process
 *   that created it, so a line cut by a crash is never followed by new data. Appends are group-committed (whatever
 *   arrives while the previous write is on its way goes out as one write and one fdatasync, through a file handle kept
 *   open while the segment is written) and are on disk before `append()` resolves.
 * - `removed.log`: the sequence numbers of records delivered (PUBACK) or dropped. Not fsync'd: losing its tail in a
 *   crash only means those records are sent again (a QoS 1 duplicate), never that one is lost.
 * A segment whose records are all removed is deleted; when the queue is empty, removed.log is deleted too. No file is
 * ever renamed over while open (Windows), and removed.log is compacted by write-temp-then-rename.
 *
 * Records are delivered in sequence order (oldest first); the caller numbers messages with `allocateSeq()`.
 */
import { EventEmitter } from 'node:events';
import { open, readdir, readFile, rename, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutboundMessage } from './outbound-message.ts';
import { makeDirs } from '../fs/make-dirs.ts';
import {
  encodeHeader,
  encodeRecord,
  encodeRemoved,
  parseRemoved,
  parseSegment,
  type StoredRecord,
} from './queue-file-format.ts';

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

interface Segment {
  file: string;
  firstSeq: number;
  entries: Entry[];
  remaining: number;
  bytes: number;
  /** Only a segment created by this process is appended to. */
  appendable: boolean;
  /** Open while this process appends to the segment: one open per segment, not per write. */
  handle: FileHandle | undefined;
  /** Entries before this index are known not to be ready (a hint that keeps take() from rescanning). */
  scanFrom: number;
}

interface Entry {
  seq: number;
  bytes: number;
  segment: Segment;
  index: number;
  state: 'ready' | 'leased' | 'removed';
  lease: number;
  /** Kept in memory only while needed; otherwise read back from the segment file. */
  message: OutboundMessage | undefined;
}

type IoOp =
  | { kind: 'append'; segment: Segment; text: string; entries: Entry[]; done: Deferred; written: Promise<void> }
  | { kind: 'removed'; text: string }
  | { kind: 'task'; run: () => Promise<void>; done: Deferred };

interface Deferred {
  resolve: () => void;
  reject: (error: Error) => void;
}

const SEGMENT_FILE = /^segment-(\d{16})\.log$/;
const REMOVED_FILE = 'removed.log';
const COMPACT_REMOVED_AFTER_LINES = 50_000;

const segmentFileName = (firstSeq: number): string => `segment-${String(firstSeq).padStart(16, '0')}.log`;
const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class OfflineQueue extends EventEmitter<OfflineQueueEvents> {
  private readonly dir: string;
  private readonly maxMessages: number;
  private readonly maxBytes: number;
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
  /** Lines in removed.log as written so far (0: the file does not exist yet and needs its header). */
  private removedLogLines = 0;
  private ioQueue: IoOp[] = [];
  private ioRunning: Promise<void> | undefined;
  private closed = false;

  private constructor(options: OfflineQueueOptions) {
    super();
    this.dir = options.dir;
    this.maxMessages = Math.max(1, options.maxMessages ?? 100_000);
    this.maxBytes = Math.max(1, options.maxBytes ?? 64 * 1024 * 1024);
    this.segmentMaxRecords = Math.max(1, options.segmentMaxRecords ?? 1000);
    this.segmentMaxBytes = Math.max(1, options.segmentMaxBytes ?? 1024 * 1024);
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
      const write = this.scheduleAppend(target, line, entry);
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
    for (const segment of missing) await this.task(() => this.readBack(segment));
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
    await this.ioRunning;
    await Promise.all(this.segments.map((s) => this.closeHandle(s)));
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
      void this.task(() => this.closeHandle(last));
    }
    const segment: Segment = {
      file: segmentFileName(seq),
      firstSeq: seq,
      entries: [],
      remaining: 0,
      bytes: 0,
      appendable: true,
      handle: undefined,
      scanFrom: 0,
    };
    const at = this.segments.findIndex((s) => s.firstSeq > seq);
    this.segments.splice(at === -1 ? this.segments.length : at, 0, segment);
    return segment;
  }

  /**
   * Drops the oldest records once a cap is exceeded, down to 1 % below it, so a queue that stays full drops in
   * batches (one event per batch) rather than one record per append.
   */
  private trimToCap(): void {
    if (this.messages <= this.maxMessages && this.bytes <= this.maxBytes) return;
    const messageTarget = this.maxMessages - Math.floor(this.maxMessages / 100);
    const byteTarget = this.maxBytes - Math.floor(this.maxBytes / 100);
    const overCap = (): boolean => this.messages > messageTarget || this.bytes > byteTarget;
    let count = 0;
    for (const segment of [...this.segments]) {
      for (const entry of segment.entries) {
        if (!overCap()) break;
        if (entry.state === 'removed') continue;
        this.removeEntry(entry);
        count++;
      }
      if (!overCap()) break;
    }
    if (count === 0) return;
    this.dropped += count;
    this.emit('dropped', count, this.dropped);
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
    this.scheduleRemovedLine(entry.seq);
    if (segment.remaining > 0) return;
    segment.appendable = false;
    this.segments = this.segments.filter((s) => s !== segment);
    const path = join(this.dir, segment.file);
    void this.task(async () => {
      await this.closeHandle(segment);
      await this.unlinkQuietly(path);
    });
    // Nothing left that a marker could refer to: start the removal log afresh; otherwise keep it from growing forever.
    if (this.segments.length === 0) void this.task(() => this.resetRemovedLog());
    else if (this.removedLogLines > COMPACT_REMOVED_AFTER_LINES) void this.task(() => this.compactRemovedLog());
  }

  private scheduleRemovedLine(seq: number): void {
    const last = this.ioQueue.at(-1);
    if (last?.kind === 'removed') last.text += encodeRemoved(seq);
    else this.io({ kind: 'removed', text: encodeRemoved(seq) });
  }

  /** Adds a line to the write waiting for `segment`, or starts one; resolves when that write is on disk. */
  private scheduleAppend(segment: Segment, line: string, entry: Entry): Promise<void> {
    const last = this.ioQueue.at(-1);
    if (last?.kind === 'append' && last.segment === segment) {
      last.text += line;
      last.entries.push(entry);
      return last.written;
    }
    let done!: Deferred;
    const written = new Promise<void>((resolve, reject) => (done = { resolve, reject }));
    // Whoever appends handles a failure; a write nobody waits for must not become an unhandled rejection.
    written.catch(() => {});
    const text = (entry.index === 0 ? encodeHeader('segment') : '') + line;
    this.io({ kind: 'append', segment, text, entries: [entry], done, written });
    return written;
  }

  /** Runs `run` in turn with the other file operations; a failure becomes a warning (it costs a duplicate at most). */
  private task(run: () => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => this.io({ kind: 'task', run, done: { resolve, reject } }));
  }

  /** File operations run one at a time in call order; consecutive appends to one file share one write and fsync. */
  private io(op: IoOp): void {
    this.ioQueue.push(op);
    this.ioRunning ??= this.drainIo();
  }

  private async drainIo(): Promise<void> {
    for (let op = this.ioQueue.shift(); op; op = this.ioQueue.shift()) {
      try {
        if (op.kind === 'append') await this.writeAppend(op);
        else if (op.kind === 'removed') await this.appendRemoved(op.text);
        else await op.run();
      } catch (error) {
        this.emit('warning', `offline queue: ${describe(error)}`);
      }
      if (op.kind === 'task') op.done.resolve();
    }
    this.ioRunning = undefined;
  }

  private async writeAppend(op: Extract<IoOp, { kind: 'append' }>): Promise<void> {
    const segment = op.segment;
    try {
      segment.handle ??= await open(join(this.dir, segment.file), 'a');
      await segment.handle.writeFile(op.text, 'utf8');
      await segment.handle.datasync();
      if (op.entries[0]?.index === 0) await this.syncDirectory();
    } catch (error) {
      // A partly written line may now end the file: never append to it again, and take these records back.
      segment.appendable = false;
      await this.closeHandle(segment).catch(() => {});
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

  private async closeHandle(segment: Segment): Promise<void> {
    const handle = segment.handle;
    segment.handle = undefined;
    await handle?.close();
  }

  /** Makes a new file's name durable too (POSIX); Windows cannot open a directory and needs no such step. */
  private async syncDirectory(): Promise<void> {
    const handle = await open(this.dir, 'r').catch(() => undefined);
    if (!handle) return;
    await handle.sync().catch(() => {});
    await handle.close();
  }

  private async appendRemoved(text: string): Promise<void> {
    const header = this.removedLogLines === 0 ? encodeHeader('removed') : '';
    await writeFile(join(this.dir, REMOVED_FILE), header + text, { flag: 'a' });
    this.removedLogLines += (header ? 1 : 0) + text.split('\n').length - 1;
  }

  private async resetRemovedLog(): Promise<void> {
    await this.unlinkQuietly(join(this.dir, REMOVED_FILE));
    this.removedLogLines = 0;
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

  private async unlinkQuietly(path: string): Promise<void> {
    await unlink(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  /** Rewrites removed.log with only the markers that still refer to a record on disk (write temp, then rename). */
  private async compactRemovedLog(): Promise<void> {
    const seqs = this.segments.flatMap((s) => s.entries.filter((e) => e.state === 'removed').map((e) => e.seq));
    const path = join(this.dir, REMOVED_FILE);
    const temp = `${path}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(encodeHeader('removed') + seqs.map(encodeRemoved).join(''), 'utf8');
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    this.removedLogLines = seqs.length + 1;
  }

  private async setAside(file: string): Promise<void> {
    this.damagedFiles++;
    const path = join(this.dir, file);
    await rename(path, `${path}.unreadable`).catch(() => this.unlinkQuietly(path));
  }

  private async load(): Promise<void> {
    makeDirs(this.dir);
    const files = (await readdir(this.dir)).sort();
    for (const file of files) if (file.endsWith('.tmp')) await this.unlinkQuietly(join(this.dir, file));

    const removed = new Set<number>();
    if (files.includes(REMOVED_FILE)) {
      const parsed = parseRemoved(await readFile(join(this.dir, REMOVED_FILE), 'utf8'));
      if (!parsed.readable) await this.setAside(REMOVED_FILE);
      // A damaged removal marker only costs a duplicate send; it is not counted as a damaged message.
      for (const { value } of parsed.items) removed.add(value);
    }
    let maxSeq = 0;
    for (const seq of removed) maxSeq = Math.max(maxSeq, seq);

    for (const file of files) {
      const match = SEGMENT_FILE.exec(file);
      if (!match) continue;
      const parsed = parseSegment(await readFile(join(this.dir, file), 'utf8'));
      if (!parsed.readable) {
        await this.setAside(file);
        continue;
      }
      this.damagedLines += parsed.damagedLines;
      const segment: Segment = {
        file,
        firstSeq: Number(match[1]),
        entries: [],
        remaining: 0,
        bytes: 0,
        appendable: false,
        handle: undefined,
        scanFrom: 0,
      };
      for (const { value, bytes } of parsed.items) {
        maxSeq = Math.max(maxSeq, value.seq);
        if (this.bySeq.has(value.seq)) continue;
        const gone = removed.has(value.seq);
        const entry: Entry = {
          seq: value.seq,
          bytes,
          segment,
          index: segment.entries.length,
          state: gone ? 'removed' : 'ready',
          lease: 0,
          message: undefined,
        };
        segment.entries.push(entry);
        if (gone) continue;
        this.bySeq.set(entry.seq, entry);
        segment.remaining++;
        segment.bytes += bytes;
      }
      if (segment.remaining === 0) {
        await this.unlinkQuietly(join(this.dir, file));
        continue;
      }
      this.segments.push(segment);
      this.messages += segment.remaining;
      this.ready += segment.remaining;
      this.bytes += segment.bytes;
    }
    this.nextSeq = maxSeq + 1;
    // Keep only the markers that still refer to a record on disk.
    if (this.segments.length === 0) await this.resetRemovedLog();
    else await this.compactRemovedLog();
    this.trimToCap();
  }
}
