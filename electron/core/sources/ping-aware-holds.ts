/**
 * Holds of a subscriber's incoming messages (acknowledged only once passed on) that never starve its keep-alive.
 * mqtt.js reads packets in order and the next one only once the held one is acknowledged, so the broker's answer to
 * a ping waits behind every publish the broker sent before it, and the client drops the connection when that answer
 * is not read half a keep-alive after the ping ("Keepalive timeout"). A broker's in-flight limit does not bound how
 * many publishes come first (Mosquitto 2.0.11 sent five more per acknowledgement with a receive maximum of 5), so the
 * hold time is what is bounded: once a ping has waited `budgetMs` for its answer, holds end at once until it is read.
 */
export class PingAwareHolds {
  private readonly releases = new Set<() => void>();
  private budgetTimer: NodeJS.Timeout | undefined;
  private budgetSpent = false;

  constructor(
    /** A message is held at most this long whatever the keep-alive. */
    private readonly maxHoldMs: number,
    /** How long holds may keep a ping's answer unread; under half the keep-alive. */
    private readonly budgetMs: number,
  ) {}

  /** Calls `done` once `wait` resolves, after maxHoldMs at the latest, and at once while a ping's answer is overdue. */
  hold(wait: Promise<void> | undefined, done: () => void): void {
    if (!wait || this.budgetSpent) return done();
    const release = (): void => {
      if (!this.releases.delete(release)) return;
      clearTimeout(timer);
      done();
    };
    this.releases.add(release);
    const timer = setTimeout(release, this.maxHoldMs).unref(); // a held message never keeps a stopping process alive
    void wait.then(release);
  }

  /** The client sent a ping: its answer must be read within the budget. */
  pingSent(): void {
    if (this.budgetTimer) return;
    this.budgetTimer = setTimeout(() => {
      this.budgetSpent = true;
      for (const release of [...this.releases]) release();
    }, this.budgetMs).unref();
  }

  /** The answer was read (or the connection is gone): holds may last again. */
  pingAnswered(): void {
    clearTimeout(this.budgetTimer);
    this.budgetTimer = undefined;
    this.budgetSpent = false;
  }
}
