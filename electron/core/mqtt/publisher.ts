/**
 * Publishes messages so that none is lost silently, at the broker's speed while it is connected.
 *
 * - Live: a message goes straight to the MQTT client while fewer than `inFlightWindow` await their PUBACK and the
 *   socket's send buffer has room. Otherwise it waits in memory (the pending tail), oldest first, bounded by
 *   `maxPending`; beyond that the oldest pending go to the disk queue. The disk is never on the live path.
 * - Outage: the disk queue takes what arrives while the broker is unreachable, plus whatever was in flight or pending
 *   when the connection dropped (they go back in their place: the queue keeps sequence order).
 * - Replay: after an outage the backlog goes out oldest first, paced by `flushRate` so that subscribers slower than the
 *   broker keep up (a broker acknowledges what *it* has; a stock Mosquitto silently drops QoS 1 messages past 1000
 *   queued per subscriber, see docs/broker.md). Live messages arriving meanwhile wait behind the backlog (one global
 *   order, so per-meter order holds), and each one lets one more backlog message go: live traffic is never slowed by
 *   the pacing, the backlog drains at `flushRate` on top of it.
 * - Backpressure upstream: while connected and half of `maxPending` wait in memory, `whenRoom()` hands sources that
 *   can wait (a gateway subscription, a TCP socket) a promise that resolves once a quarter is left, so a burst waits
 *   at the broker or in the kernel instead of growing this process or spilling to disk.
 */
import { EventEmitter } from 'node:events';
import { PublishRejectedError, type BrokerConnection } from './broker-connection.ts';
import { Fifo } from './fifo.ts';
import { IntervalReport } from './interval-report.ts';
import { ReplayPacing } from './replay-pacing.ts';
import type { OfflineQueue, StoredRecord } from './offline-queue.ts';
import { invalidMessageReason, type OutboundMessage } from './outbound-message.ts';

export interface PublisherOptions {
  /** Messages awaiting their acknowledgement at most (fewer if an MQTT 5 broker asks so); default 1000. */
  inFlightWindow?: number;
  /** Backlog messages replayed per second on top of live traffic after an outage (0: no limit); default 500. */
  flushRate?: number;
  /** Live messages waiting in memory for their turn at most; beyond it the oldest go to the disk queue. Default 10 000. */
  maxPending?: number;
  /** Drops, refusals and failures are reported (events) at once, then at most once per this interval; default 10 s. */
  reportIntervalMs?: number;
}

export type PublishResult =
  /** The broker acknowledged it (QoS 1), or it was written to the connection (QoS 0). */
  | { status: 'delivered' }
  /** It is in the offline queue on disk and goes out once the broker is reachable. */
  | { status: 'queued' }
  /** It can never be published (an invalid message, or the broker refused it for good); counted. */
  | { status: 'rejected'; reason: string }
  /** It could not be stored (disk error) or the publisher was closed; counted as lost. */
  | { status: 'failed'; reason: string };

export interface PublisherStats {
  /** Acknowledged by the broker (or written, for QoS 0) since start. */
  delivered: number;
  /** Waiting in the offline queue on disk now. */
  queued: number;
  /** Waiting in memory for their turn now (window full, or behind a backlog). */
  pending: number;
  inFlight: number;
  /** Oldest queued messages dropped because the queue was full, since the queue was opened. */
  dropped: number;
  rejected: number;
  failed: number;
  /** Damaged queue lines and files skipped when the queue was read. */
  damagedLines: number;
  damagedFiles: number;
}

/** Events come at once, then at most once per `reportIntervalMs` with the count since the last one. */
export interface PublisherEvents {
  /** Oldest queued messages dropped (queue full) since the last report, and the total since start. */
  dropped: [count: number, total: number];
  /** Messages that can never be published (invalid, or refused by the broker): how many, and the latest. */
  rejected: [count: number, latest: { topic: string; reason: string }];
  /** Messages that could not be kept (disk error, publisher closed): how many, and the latest. */
  failed: [count: number, latest: { topic: string; reason: string }];
  warning: [message: string];
}

interface Item extends StoredRecord {
  /** Set for a live message (not in the disk queue): whoever called publish() is waiting for the outcome. */
  settle?: (result: PublishResult) => void;
}

const queued = (): PublishResult => ({ status: 'queued' });
const DELIVERED: PublishResult = Object.freeze({ status: 'delivered' });
/** The outcome of a message nobody waits for (post()); set, it also marks the message as live, not from the disk. */
const IGNORE = (): void => {};
const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Sends in one go before the loop yields to the event loop (keep-alive, socket reads, timers). */
const SENDS_PER_TURN = 1000;
/** Backlog records read from the disk queue per take at most. */
const READ_BATCH = 1000;

export class MqttPublisher extends EventEmitter<PublisherEvents> {
  private readonly windowSize: number;
  private readonly maxPending: number;
  private readonly pacing: ReplayPacing;
  private readonly inFlight = new Map<number, Item>();
  private readonly pending = new Fifo<Item>();
  /** Bumped on every connect and disconnect: a batch taken from the queue for an older connection is put back. */
  private epoch = 0;
  /** A take from the disk queue is on its way: nothing newer may be sent before it. */
  private taking = false;
  /** Resolves the sources waiting for room (see whenRoom); undefined while nobody waits. */
  private roomWaiters: (() => void) | undefined;
  private roomPromise: Promise<void> | undefined;
  /** Resolved once everything accepted has left this process's memory (see whenHandedOff). */
  private handOffWaiters: (() => void)[] = [];
  /** Disk writes of live messages under way: in memory until written. */
  private storing = 0;
  private pumping = false;
  private pumpScheduled = false;
  private closed = false;
  private counts = { delivered: 0, rejected: 0, failed: 0 };
  private readonly reports: {
    dropped: IntervalReport<undefined>;
    rejected: IntervalReport<{ topic: string; reason: string }>;
    failed: IntervalReport<{ topic: string; reason: string }>;
  };
  private readonly detach: () => void;

  constructor(
    private readonly connection: BrokerConnection,
    private readonly queue: OfflineQueue,
    options: PublisherOptions = {},
  ) {
    super();
    this.windowSize = Math.max(1, options.inFlightWindow ?? 1000);
    this.maxPending = Math.max(1, options.maxPending ?? 10_000);
    const interval = Math.max(0, options.reportIntervalMs ?? 10_000);
    this.reports = {
      dropped: new IntervalReport(interval, (count) => this.emit('dropped', count, this.queue.stats().dropped)),
      rejected: new IntervalReport(interval, (count, latest) => this.emit('rejected', count, latest)),
      failed: new IntervalReport(interval, (count, latest) => this.emit('failed', count, latest)),
    };
    this.pacing = new ReplayPacing(Math.max(0, options.flushRate ?? 500), () => this.pump());
    const onConnected = (): void => {
      this.epoch++;
      this.pump();
    };
    const onDisconnected = (): void => void this.returnToQueue();
    const onDrain = (): void => this.pump();
    const onDropped = (count: number): void => this.reports.dropped.note(count, undefined);
    const onWarning = (message: string): void => void this.emit('warning', message);
    connection.on('connected', onConnected);
    connection.on('disconnected', onDisconnected);
    connection.on('drain', onDrain);
    queue.on('dropped', onDropped);
    queue.on('warning', onWarning);
    this.detach = () => {
      connection.off('connected', onConnected);
      connection.off('disconnected', onDisconnected);
      connection.off('drain', onDrain);
      queue.off('dropped', onDropped);
      queue.off('warning', onWarning);
    };
    this.pump();
  }

  /** Accepts a message; the promise never rejects and says where the message went. */
  publish(message: OutboundMessage): Promise<PublishResult> {
    return new Promise((settle) => this.accept(message, settle));
  }

  /**
   * Accepts a message like publish() for a caller that does not wait for the outcome (the live pipeline, thousands a
   * second): no promise per message. Refusals and failures are counted and reported all the same.
   */
  post(message: OutboundMessage): void {
    this.accept(message, IGNORE);
  }

  private accept(message: OutboundMessage, settle: (result: PublishResult) => void): void {
    const invalid = invalidMessageReason(message);
    if (invalid !== undefined) return settle(this.reject(message, `invalid message: ${invalid}`));
    if (this.closed) return settle(this.fail(message, 'the publisher is closed'));
    const seq = this.queue.allocateSeq();
    if (!this.connection.connected) {
      // The outage path: the write itself is shared by all that arrive meanwhile.
      this.storing++;
      void this.queue
        .append([{ seq, message }])
        .then(
          () => settle(queued()),
          (error: unknown) => settle(this.fail(message, describe(error))),
        )
        .finally(() => this.stored());
      return;
    }
    const behindBacklog = this.hasBacklog();
    if (!behindBacklog && this.pending.length === 0 && this.canSend()) return this.send({ seq, message, settle });
    if (behindBacklog) this.pacing.credit();
    this.pending.push({ seq, message, settle });
    if (this.pending.length > this.maxPending) void this.persist(this.pending.take(Math.ceil(this.maxPending / 2)));
    this.pump();
  }

  stats(): PublisherStats {
    const { messages, dropped, damagedLines, damagedFiles } = this.queue.stats();
    return {
      ...this.counts,
      queued: messages,
      pending: this.pending.length,
      inFlight: this.inFlight.size,
      dropped,
      damagedLines,
      damagedFiles,
    };
  }

  /**
   * Undefined while there is room for more live messages; otherwise (connected, no backlog, and half of `maxPending`
   * waiting in memory) a promise that resolves once the tail is down to a quarter, a backlog forms (live messages
   * then let it go, so holding them back would slow it), the connection drops or the publisher closes. A source that
   * can hold its input back waits for it before reading on.
   */
  whenRoom(): Promise<void> | undefined {
    if (this.roomPromise) return this.roomPromise;
    if (this.closed || !this.connection.connected || this.hasBacklog()) return undefined;
    if (this.pending.length < this.maxPending / 2) return undefined;
    this.roomPromise = new Promise((resolve) => (this.roomWaiters = resolve));
    return this.roomPromise;
  }

  /**
   * Undefined once everything accepted is safe from a crash of this process: acknowledged by the broker or written to
   * the disk queue. Otherwise a promise that resolves when it is, or when the publisher closes. A source whose input
   * is sent again until acknowledged (a gateway's persistent MQTT session) acknowledges only then, so a crash loses
   * nothing it acknowledged (but live messages waiting behind a backlog, see handedOff).
   */
  whenHandedOff(): Promise<void> | undefined {
    if (this.handedOff()) return undefined;
    return new Promise((resolve) => this.handOffWaiters.push(resolve));
  }

  private handedOff(): boolean {
    // Behind a backlog, live messages wait in memory until it is replayed at flushRate (minutes after a long outage):
    // a source held that long would stall, so then, as for whenRoom, nobody waits, and a crash loses what waits.
    if (this.closed) return true;
    if (this.storing > 0) return false;
    // Acknowledged by the broker, not only written: a process killed with unread bytes on its socket (PUBACKs keep
    // coming) resets the connection, and the kernel drops what it had not sent yet.
    return this.hasBacklog() || (this.pending.length === 0 && this.inFlight.size === 0);
  }

  private checkHandedOff(): void {
    if (this.handOffWaiters.length === 0 || !this.handedOff()) return;
    for (const resolve of this.handOffWaiters.splice(0)) resolve();
  }

  /**
   * Stops accepting messages, goes on sending what is pending in memory for up to `drainTimeoutMs` (default 5 s)
   * while connected, and puts the rest (pending and unacknowledged) into the queue on disk. Never waits longer than
   * that plus the disk write. The caller closes the connection and the queue afterwards.
   */
  async close(options: { drainTimeoutMs?: number } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.checkHandedOff();
    const deadline = Date.now() + (options.drainTimeoutMs ?? 5000);
    // Pending messages behind a backlog cannot go before it: they join it on disk at once.
    if (this.hasBacklog()) await this.persist(this.pending.take());
    while ((this.inFlight.size > 0 || this.pending.length > 0) && this.connection.connected && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.pacing.close();
    await this.returnToQueue();
    this.makeRoom();
    for (const report of Object.values(this.reports)) report.close();
    this.detach();
  }

  private window(): number {
    return Math.max(1, Math.min(this.windowSize, this.connection.receiveMaximum));
  }

  private canSend(): boolean {
    return this.connection.connected && this.inFlight.size < this.window() && !this.connection.congested;
  }

  /** Queued messages wait on disk that are older than anything pending in memory. */
  private hasBacklog(): boolean {
    return this.taking || this.queue.readyCount > 0;
  }

  private send(item: Item): void {
    this.inFlight.set(item.seq, item);
    this.connection.send(item.message, (error) => (error ? this.sendFailed(item, error) : this.acknowledged(item)));
  }

  private acknowledged(item: Item): void {
    if (this.inFlight.get(item.seq) !== item) return;
    this.inFlight.delete(item.seq);
    this.counts.delivered++;
    if (item.settle) item.settle(DELIVERED);
    else this.queue.remove(item.seq);
    this.pump();
  }

  private sendFailed(item: Item, error: Error): void {
    if (this.inFlight.get(item.seq) !== item) return; // already taken back with its connection
    if (error instanceof PublishRejectedError) {
      this.inFlight.delete(item.seq);
      if (!item.settle) this.queue.remove(item.seq);
      item.settle?.(this.reject(item.message, `the broker refused it: ${error.message}`));
      this.pump();
      return;
    }
    // Not a connection drop the connection has seen yet: start over on a new connection, in order.
    this.connection.dropConnection(`a publish failed: ${error.message}`);
    if (this.inFlight.has(item.seq)) void this.returnToQueue();
  }

  /**
   * The connection is gone (or the publisher closes): queued messages in flight become ready again in their place;
   * live ones in flight and everything pending go to the disk queue, which sorts them in by sequence number.
   */
  private returnToQueue(): Promise<void> {
    this.epoch++;
    this.pacing.clearCredit();
    const items = [...this.inFlight.values()];
    this.inFlight.clear();
    this.queue.release(items.filter((i) => !i.settle).map((i) => i.seq));
    const persisted = this.persist([...items.filter((i) => i.settle), ...this.pending.take()]);
    this.makeRoom(); // while disconnected the disk queue takes what comes, up to its own caps
    return persisted;
  }

  private makeRoom(): void {
    const resolve = this.roomWaiters;
    this.roomWaiters = undefined;
    this.roomPromise = undefined;
    resolve?.();
  }

  /** Moves live messages to the disk queue; their callers learn 'queued' (or 'failed') once it is written. */
  private async persist(items: Item[]): Promise<void> {
    if (items.length === 0) return;
    const results = await this.store(items);
    items.forEach((item, i) => item.settle?.(results[i]!));
  }

  private store(items: readonly StoredRecord[]): Promise<PublishResult[]> {
    this.storing++;
    const written = this.queue.append(items.map(({ seq, message }) => ({ seq, message })));
    this.pump();
    return written
      .then(
        () => items.map(queued),
        (error: unknown) => items.map((item) => this.fail(item.message, describe(error))),
      )
      .finally(() => this.stored());
  }

  private stored(): void {
    this.storing--;
    this.checkHandedOff();
  }

  /** Sends oldest first while the window and the socket have room: the disk backlog, then what is pending. */
  private pump(): void {
    if (this.pumping || this.pumpScheduled) return;
    this.pumping = true;
    try {
      for (let sent = 0; this.canSend(); sent++) {
        if (sent === SENDS_PER_TURN) {
          this.pumpScheduled = true;
          setImmediate(() => {
            this.pumpScheduled = false;
            this.pump();
          });
          return;
        }
        if (this.hasBacklog()) {
          if (!this.taking && !this.closed) this.takeBacklog();
          return;
        }
        this.pacing.clearCredit();
        const next = this.pending.shift();
        if (!next) return;
        this.send(next);
      }
    } finally {
      this.pumping = false;
      if (this.roomWaiters && (this.pending.length <= this.maxPending / 4 || this.hasBacklog())) this.makeRoom();
      this.checkHandedOff();
    }
  }

  /** Reads the next backlog batch from disk and sends it, as far as the window and the pacing allow. */
  private takeBacklog(): void {
    const room = this.window() - this.inFlight.size;
    const allowed = Math.min(room, READ_BATCH, this.pacing.allowed(Math.min(room, this.pacing.batch)));
    if (allowed <= 0) return;
    const epoch = this.epoch;
    this.taking = true;
    void this.queue.take(allowed).then((records) => {
      this.taking = false;
      if (epoch !== this.epoch || !this.connection.connected || this.closed) {
        this.queue.release(records.map((r) => r.seq));
        this.pump(); // the connection may already be back: its own wake-up found this take still running
        return;
      }
      this.pacing.spend(records.length);
      for (const record of records) this.send(record);
      this.pump();
    });
  }

  private reject(message: OutboundMessage, reason: string): PublishResult {
    this.counts.rejected++;
    this.reports.rejected.note(1, { topic: message.topic, reason });
    return { status: 'rejected', reason };
  }

  private fail(message: OutboundMessage, reason: string): PublishResult {
    this.counts.failed++;
    this.reports.failed.note(1, { topic: message.topic, reason });
    return { status: 'failed', reason };
  }
}
