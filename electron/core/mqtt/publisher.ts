/**
 * Publishes messages so that none is lost silently: straight to the broker while connected, through the on-disk
 * offline queue otherwise, always oldest first, with at most `inFlightWindow` messages awaiting their PUBACK.
 *
 * Why a window and a rate: the broker acknowledges a publish when it has it, not when subscribers have it. A stock
 * Mosquitto holds at most 1000 QoS 1 messages per subscriber (`max_queued_messages`) and silently drops the rest, so
 * a backlog flushed all at once vanishes. The window bounds the burst; the flush rate keeps a subscriber slower than
 * the broker from falling 1000 behind (acknowledgements from the broker cannot tell). See docs/broker.md.
 *
 * Order: a message goes out live only when the queue is empty, so every live message still in flight is older than
 * everything queued; when the connection drops, those live messages go back to the queue in front of the rest.
 */
import { EventEmitter } from 'node:events';
import { PublishRejectedError, type BrokerConnection } from './broker-connection.ts';
import type { OfflineQueue, StoredRecord } from './offline-queue.ts';
import { invalidMessageReason, type OutboundMessage } from './outbound-message.ts';

export interface PublisherOptions {
  /** Messages awaiting their acknowledgement at most (fewer if an MQTT 5 broker asks so); default 50. */
  inFlightWindow?: number;
  /** Queued messages sent per second at most while a backlog drains (0: no limit); default 500. */
  flushRate?: number;
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
  /** Waiting in the offline queue now. */
  queued: number;
  inFlight: number;
  /** Oldest queued messages dropped because the queue was full, since the queue was opened. */
  dropped: number;
  rejected: number;
  failed: number;
  /** Damaged queue lines and files skipped when the queue was read. */
  damagedLines: number;
  damagedFiles: number;
}

export interface PublisherEvents {
  dropped: [count: number, total: number];
  rejected: [message: OutboundMessage, reason: string];
  failed: [message: OutboundMessage, reason: string];
  warning: [message: string];
}

interface InFlight {
  seq: number;
  message: OutboundMessage;
  /** Set for a message sent live (not in the queue): whoever called publish() is waiting for the outcome. */
  settle?: (result: PublishResult) => void;
}

export class MqttPublisher extends EventEmitter<PublisherEvents> {
  private readonly windowSize: number;
  private readonly flushRate: number;
  /** Token bucket for the flush rate: sends allowed now, refilled continuously up to the window size. */
  private tokens: number;
  private tokensAt = Date.now();
  private wakeTimer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Map<number, InFlight>();
  /** Bumped on every connect and disconnect: a batch taken from the queue for an older connection is put back. */
  private epoch = 0;
  private pumping = false;
  private pumpAgain = false;
  private closed = false;
  private counts = { delivered: 0, rejected: 0, failed: 0 };
  private readonly detach: () => void;

  constructor(
    private readonly connection: BrokerConnection,
    private readonly queue: OfflineQueue,
    options: PublisherOptions = {},
  ) {
    super();
    this.windowSize = Math.max(1, options.inFlightWindow ?? 50);
    this.flushRate = Math.max(0, options.flushRate ?? 500);
    this.tokens = this.windowSize;
    const onConnected = (): void => {
      this.epoch++;
      this.pump();
    };
    const onDisconnected = (): void => {
      this.epoch++;
      this.takeBackInFlight();
    };
    const onDropped = (count: number, total: number): void => void this.emit('dropped', count, total);
    const onWarning = (message: string): void => void this.emit('warning', message);
    connection.on('connected', onConnected);
    connection.on('disconnected', onDisconnected);
    queue.on('dropped', onDropped);
    queue.on('warning', onWarning);
    this.detach = () => {
      connection.off('connected', onConnected);
      connection.off('disconnected', onDisconnected);
      queue.off('dropped', onDropped);
      queue.off('warning', onWarning);
    };
    this.pump();
  }

  /** Accepts a message; the promise never rejects and says where the message went. */
  publish(message: OutboundMessage): Promise<PublishResult> {
    const invalid = invalidMessageReason(message);
    if (invalid !== undefined) return Promise.resolve(this.reject(message, `invalid message: ${invalid}`));
    if (this.closed) return Promise.resolve(this.fail(message, 'the publisher is closed'));
    const seq = this.queue.allocateSeq();
    if (this.connection.connected && this.queue.size === 0 && this.inFlight.size < this.window()) {
      return new Promise((settle) => this.send({ seq, message, settle }));
    }
    return this.store([{ seq, message }]).then(([result]) => result!);
  }

  stats(): PublisherStats {
    const { messages, dropped, damagedLines, damagedFiles } = this.queue.stats();
    return { ...this.counts, queued: messages, inFlight: this.inFlight.size, dropped, damagedLines, damagedFiles };
  }

  /** Resolves true once nothing is queued or in flight, false if that did not happen within `timeoutMs`. */
  async flushed(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.size > 0 || this.inFlight.size > 0) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return true;
  }

  /**
   * Stops accepting messages, waits up to `drainTimeoutMs` (default 5 s) for those in flight, and puts the rest
   * back into the queue on disk. The caller closes the connection and the queue afterwards.
   */
  async close(options: { drainTimeoutMs?: number } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const deadline = Date.now() + (options.drainTimeoutMs ?? 5000);
    while (this.inFlight.size > 0 && this.connection.connected && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    clearTimeout(this.wakeTimer);
    this.epoch++;
    await this.takeBackInFlight();
    this.detach();
  }

  private window(): number {
    return Math.max(1, Math.min(this.windowSize, this.connection.receiveMaximum));
  }

  private send(item: InFlight): void {
    this.inFlight.set(item.seq, item);
    this.connection.send(item.message).then(
      () => this.acknowledged(item),
      (error: unknown) => this.sendFailed(item, error),
    );
  }

  private acknowledged(item: InFlight): void {
    if (this.inFlight.get(item.seq) !== item) return;
    this.inFlight.delete(item.seq);
    this.counts.delivered++;
    if (item.settle) item.settle({ status: 'delivered' });
    else this.queue.remove(item.seq);
    this.pump();
  }

  private sendFailed(item: InFlight, error: unknown): void {
    if (this.inFlight.get(item.seq) !== item) return; // already taken back with its connection
    if (error instanceof PublishRejectedError) {
      this.inFlight.delete(item.seq);
      if (!item.settle) this.queue.remove(item.seq);
      item.settle?.(this.reject(item.message, `the broker refused it: ${error.message}`));
      this.pump();
      return;
    }
    // Not a connection drop the connection has seen yet: start over on a new connection, in order.
    this.connection.dropConnection(`a publish failed: ${error instanceof Error ? error.message : String(error)}`);
    if (this.inFlight.has(item.seq)) void this.takeBackInFlight();
  }

  /** The connection is gone: queued messages become ready again; live ones go to the front of the queue. */
  private takeBackInFlight(): Promise<void> {
    const items = [...this.inFlight.values()];
    this.inFlight.clear();
    this.queue.release(items.filter((i) => !i.settle).map((i) => i.seq));
    const live = items.filter((i) => i.settle);
    if (live.length === 0) return Promise.resolve();
    return this.store(live).then((results) => live.forEach((item, i) => item.settle!(results[i]!)));
  }

  /** Queues messages; they may be sent (from memory) before they reach the disk, and count as queued once they have. */
  private async store(items: readonly StoredRecord[]): Promise<PublishResult[]> {
    const written = this.queue.append(items.map(({ seq, message }) => ({ seq, message })));
    this.pump();
    try {
      await written;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return items.map((item) => this.fail(item.message, reason));
    }
    return items.map(() => ({ status: 'queued' }));
  }

  /** Sends queued messages, oldest first, while the window has room. */
  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    void this.pumpQueue()
      .catch((error: unknown) => this.emit('warning', `offline queue flush: ${String(error)}`))
      .finally(() => {
        this.pumping = false;
        // A wake-up that came after the loop's last look must not be lost.
        if (this.pumpAgain) this.pump();
      });
  }

  private async pumpQueue(): Promise<void> {
    do {
      this.pumpAgain = false;
      while (!this.closed && this.connection.connected && this.inFlight.size < this.window()) {
        const epoch = this.epoch;
        const room = this.window() - this.inFlight.size;
        const allowed = Math.min(room, this.sendsAllowed(Math.min(room, 10)));
        if (allowed === 0) break;
        const records = await this.queue.take(allowed);
        this.tokens -= records.length;
        if (records.length === 0) break;
        if (epoch !== this.epoch || !this.connection.connected || this.closed) {
          this.queue.release(records.map((r) => r.seq));
          break;
        }
        for (const record of records) this.send(record);
      }
    } while (this.pumpAgain);
  }

  /** Sends the flush rate allows now; when none, a wake-up is scheduled for when `wanted` will be allowed. */
  private sendsAllowed(wanted: number): number {
    if (this.flushRate === 0) return Number.POSITIVE_INFINITY;
    const now = Date.now();
    this.tokens = Math.min(this.windowSize, this.tokens + ((now - this.tokensAt) * this.flushRate) / 1000);
    this.tokensAt = now;
    if (this.tokens >= 1) return Math.floor(this.tokens);
    if (this.wakeTimer === undefined && this.queue.size > 0) {
      const delay = Math.ceil(((wanted - this.tokens) * 1000) / this.flushRate);
      this.wakeTimer = setTimeout(() => {
        this.wakeTimer = undefined;
        this.pump();
      }, delay);
    }
    return 0;
  }

  private reject(message: OutboundMessage, reason: string): PublishResult {
    this.counts.rejected++;
    this.emit('rejected', message, reason);
    return { status: 'rejected', reason };
  }

  private fail(message: OutboundMessage, reason: string): PublishResult {
    this.counts.failed++;
    this.emit('failed', message, reason);
    return { status: 'failed', reason };
  }
}
