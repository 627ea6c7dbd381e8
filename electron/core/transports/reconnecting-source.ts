/**
 * The loop every byte source shares: connect, run until the connection ends, wait with backoff, connect again, until
 * stop(). Subclasses implement one connection attempt; this class owns states, events and retry timing.
 */
import { EventEmitter } from 'node:events';
import { Backoff, type BackoffOptions } from './backoff.ts';
import {
  sourceError,
  type ByteSource,
  type ByteSourceEvents,
  type SourceError,
  type SourceState,
} from './byte-source.ts';
import { sleep } from './sleep.ts';

type EventMap<E> = { [K in keyof E]: unknown[] };

export abstract class ReconnectingSource<
  E extends ByteSourceEvents & EventMap<E> = ByteSourceEvents,
> implements ByteSource {
  private readonly events = new EventEmitter();
  private readonly backoff: Backoff;
  private current: SourceState = { state: 'stopped' };
  private abort: AbortController | null = null;
  private loop: Promise<void> | null = null;

  constructor(backoff: BackoffOptions = {}) {
    this.backoff = new Backoff(backoff);
  }

  get state(): SourceState {
    return this.current;
  }

  start(): void {
    if (this.abort && !this.abort.signal.aborted) return;
    const abort = new AbortController();
    const previous = this.loop ?? Promise.resolve();
    this.abort = abort;
    this.loop = previous.then(() => this.run(abort.signal));
  }

  async stop(): Promise<void> {
    const { abort, loop } = this;
    abort?.abort();
    await loop;
    if (this.loop === loop) {
      this.loop = null;
      this.abort = null;
    }
  }

  on<K extends keyof E>(event: K, listener: (...args: E[K]) => void): this {
    this.events.on(event as string, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof E>(event: K, listener: (...args: E[K]) => void): this {
    this.events.off(event as string, listener as (...args: unknown[]) => void);
    return this;
  }

  /**
   * One connection attempt, from opening to its end. Resolves with why it ended (it ends only by failing, or by
   * `signal` aborting, in which case the value is ignored); a throw counts as an `io` error.
   */
  protected abstract connect(signal: AbortSignal): Promise<SourceError>;

  protected emitEvent<K extends keyof E>(event: K, ...args: E[K]): void {
    this.dispatch(String(event), args);
  }

  protected setState(state: SourceState): void {
    this.current = state;
    this.dispatch('state', [state]);
  }

  /** Passes bytes on; a connection that delivers has proven itself, so the next failure retries quickly again. */
  protected deliver(chunk: Uint8Array): void {
    this.backoff.reset();
    this.dispatch('data', [chunk]);
  }

  /** A throwing listener is the listener's defect: it is reported as a warning and never breaks the connection. */
  private dispatch(event: string, args: unknown[]): void {
    try {
      this.events.emit(event, ...args);
    } catch (err) {
      process.emitWarning(`a '${event}' listener of a byte source threw: ${describeError(err)}`);
    }
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const error = await this.connect(signal).catch((err: unknown) => sourceError('io', describeError(err)));
      if (signal.aborted) break;
      const delay = this.backoff.next();
      this.setState({ state: 'waiting', error, retryInMs: delay, detail: `retrying in ${formatDuration(delay)}` });
      await sleep(delay, signal);
    }
    this.setState({ state: 'stopped' });
  }
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** `250 ms`, `1.5 s`: for messages. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}
