/**
 * How fast the publisher replays a backlog after an outage: a token bucket refilled at `flushRate` per second up to
 * a tenth of a second's worth, so that subscribers slower than the broker keep up (a stock Mosquitto silently drops
 * QoS 1 messages past 1000 queued per subscriber, see docs/broker.md). Each live message that arrived behind the
 * backlog is a credit that lets one more backlog message go, so the pacing never slows live traffic.
 */
export class ReplayPacing {
  private readonly burst: number;
  private tokens: number;
  private tokensAt = Date.now();
  /** Live messages that arrived behind the backlog and have not let a backlog message go yet. */
  private liveCredit = 0;
  private wakeTimer: NodeJS.Timeout | undefined;

  /** `flushRate` 0: no limit. `wake` is called when replays are allowed again after `allowed()` returned 0. */
  constructor(
    private readonly flushRate: number,
    private readonly wake: () => void,
  ) {
    this.burst = Math.max(1, Math.ceil(flushRate / 10));
    this.tokens = this.burst;
  }

  /** The most replays worth asking for at once. */
  get batch(): number {
    return this.burst;
  }

  /** A live message waits behind the backlog. */
  credit(): void {
    this.liveCredit++;
  }

  /** The backlog is gone (or the connection): live messages go straight out again. */
  clearCredit(): void {
    this.liveCredit = 0;
  }

  /** Replays allowed now; when none, a wake-up is scheduled for when `wanted` will be allowed. */
  allowed(wanted: number): number {
    if (this.flushRate === 0) return Number.POSITIVE_INFINITY;
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.tokensAt) * this.flushRate) / 1000);
    this.tokensAt = now;
    const allowed = this.liveCredit + Math.floor(this.tokens);
    if (allowed > 0) return allowed;
    if (this.wakeTimer === undefined) {
      const delay = Math.ceil(((Math.max(1, wanted) - this.tokens) * 1000) / this.flushRate);
      this.wakeTimer = setTimeout(() => {
        this.wakeTimer = undefined;
        this.wake();
      }, delay);
    }
    return 0;
  }

  /** `count` backlog messages went out: live credits pay first, the bucket the rest. */
  spend(count: number): void {
    const fromCredit = Math.min(count, this.liveCredit);
    this.liveCredit -= fromCredit;
    this.tokens -= count - fromCredit;
  }

  close(): void {
    clearTimeout(this.wakeTimer);
  }
}
