import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../electron/core/transports/backoff.ts';

const delays = (backoff: Backoff, count: number): number[] => Array.from({ length: count }, () => backoff.next());

describe('Backoff', () => {
  it('doubles from the minimum up to the maximum', () => {
    expect(delays(new Backoff({ minMs: 100, maxMs: 1000 }), 6)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('starts over at the minimum after a reset', () => {
    const backoff = new Backoff({ minMs: 100, maxMs: 1000 });
    delays(backoff, 4);
    backoff.reset();
    expect(delays(backoff, 2)).toEqual([100, 200]);
  });

  it('spreads delays by the jitter fraction, never below the minimum or above the maximum', () => {
    const low = new Backoff({ minMs: 100, maxMs: 1000, jitter: 0.5, random: () => 0 });
    const high = new Backoff({ minMs: 100, maxMs: 1000, jitter: 0.5, random: () => 0.999999 });
    expect(delays(low, 4)).toEqual([100, 100, 200, 400]);
    expect(delays(high, 5)).toEqual([150, 300, 600, 1000, 1000]);
  });

  it('defaults to 1 s up to 30 s', () => {
    const backoff = new Backoff();
    expect(delays(backoff, 7)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });
});
