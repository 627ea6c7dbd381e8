import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PingAwareHolds } from '../../../electron/core/sources/ping-aware-holds.ts';

const never = (): Promise<void> => new Promise<void>(() => {});

describe('PingAwareHolds', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('acknowledges once the output took the message, or at the longest hold', async () => {
    const holds = new PingAwareHolds(10_000, 1_000);
    let resolve = (): void => {};
    const done = vi.fn();
    holds.hold(new Promise<void>((r) => (resolve = r)), done);
    holds.hold(undefined, done);
    expect(done).toHaveBeenCalledTimes(1); // no wait: at once
    resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toHaveBeenCalledTimes(2);
    holds.hold(never(), done);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(done).toHaveBeenCalledTimes(3);
  });

  it("ends holds once a ping has waited its budget, until the ping's answer is read", async () => {
    const holds = new PingAwareHolds(10_000, 1_000);
    const done = vi.fn();
    holds.hold(never(), done);
    holds.pingSent();
    await vi.advanceTimersByTimeAsync(999);
    expect(done).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toHaveBeenCalledTimes(1); // the held message goes, so the answer behind it can be read
    holds.hold(never(), done);
    expect(done).toHaveBeenCalledTimes(2); // and so do those still ahead of the answer
    holds.pingAnswered();
    holds.hold(never(), done);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(done).toHaveBeenCalledTimes(2); // held again
  });
});
