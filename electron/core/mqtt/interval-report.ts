/**
 * Counts occurrences of something (drops, refusals, failures) and reports them at once, then at most once per
 * interval with the count since the last report: a flood of them makes a few log lines, never one per message.
 */
export class IntervalReport<Sample> {
  private count = 0;
  private sample: Sample | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly report: (count: number, latest: Sample) => void,
  ) {}

  note(count: number, sample: Sample): void {
    this.count += count;
    this.sample = sample;
    if (this.timer !== undefined) return;
    this.flush();
    const tick = (): void => {
      this.timer = undefined;
      if (this.count === 0) return;
      this.flush();
      this.timer = setTimeout(tick, this.intervalMs).unref();
    };
    this.timer = setTimeout(tick, this.intervalMs).unref();
  }

  /** Reports what has not been reported yet (e.g. at close) and stops the timer. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flush();
  }

  private flush(): void {
    if (this.count === 0) return;
    const count = this.count;
    this.count = 0;
    this.report(count, this.sample as Sample);
  }
}
