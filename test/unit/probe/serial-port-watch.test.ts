import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SerialPortWatch } from '../../../electron/core/probe/serial-port-watch.ts';
import type { SerialPortView } from '../../../shared/api.ts';

const adapter: SerialPortView = { path: '/dev/ttyUSB0', device: '/dev/ttyUSB0', likelyMeterAdapter: true };
let plugged: SerialPortView[];
const list = vi.fn(() => Promise.resolve([...plugged]));

beforeEach(() => {
  vi.useFakeTimers();
  plugged = [];
  list.mockClear();
});
afterEach(() => vi.useRealTimers());

describe('the serial port watch', () => {
  it('pushes the list when an adapter is plugged in or out, within one look, and nothing while it stays', async () => {
    const watch = new SerialPortWatch({ list, intervalMs: 2000 });
    const pushed: SerialPortView[][] = [];
    watch.onChange((ports) => pushed.push(ports));
    expect(await watch.ports()).toEqual([]);
    plugged = [adapter];
    await vi.advanceTimersByTimeAsync(2000);
    expect(pushed).toEqual([[adapter]]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(pushed).toHaveLength(1);
    plugged = [];
    await vi.advanceTimersByTimeAsync(2000);
    expect(pushed).toEqual([[adapter], []]);
    watch.stop();
  });

  it('stops looking when no page asked for the list for a while', async () => {
    const watch = new SerialPortWatch({ list, intervalMs: 1000, watchForMs: 5000 });
    await watch.ports();
    await vi.advanceTimersByTimeAsync(20_000);
    const looks = list.mock.calls.length;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(list.mock.calls.length).toBe(looks);
    expect(looks).toBeLessThanOrEqual(7);
  });
});
