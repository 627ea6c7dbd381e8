/** Exponential backoff between reconnect attempts: min, 2·min, 4·min, ... up to max, optionally jittered. */

export interface BackoffOptions {
  /** First delay; default 1 s. */
  minMs?: number;
  /** Ceiling; default 30 s. */
  maxMs?: number;
  /** Spread each delay by up to ± this fraction (0..1), so many bridges do not retry in lockstep; default 0. */
  jitter?: number;
  /** Source of randomness for the jitter, replaceable in tests. */
  random?: () => number;
}

export class Backoff {
  private readonly minMs: number;
  private readonly maxMs: number;
  private readonly jitter: number;
  private readonly random: () => number;
  private attempt = 0;

  constructor(options: BackoffOptions = {}) {
    this.minMs = Math.max(1, options.minMs ?? 1000);
    this.maxMs = Math.max(this.minMs, options.maxMs ?? 30_000);
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? 0));
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt; each call without a reset doubles it up to the ceiling. */
  next(): number {
    const base = Math.min(this.maxMs, this.minMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    const spread = base * this.jitter * (this.random() * 2 - 1);
    return Math.round(Math.min(this.maxMs, Math.max(this.minMs, base + spread)));
  }

  /** The connection has proven itself (data flowed): the next failure starts again at the minimum. */
  reset(): void {
    this.attempt = 0;
  }
}
