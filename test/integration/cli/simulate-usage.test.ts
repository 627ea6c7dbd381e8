/**
 * `simulate` with an option it cannot use: a usage error (exit 2, the option named, the usage shown) before anything
 * opens or is announced. Before, a TCP port above 65535 gave Node's own RangeError with exit 1, and a bad --interval
 * or --speed came after "simulating ... on ..." with the port already listening.
 */
import { describe, expect, it } from 'vitest';
import { runCliForErrors } from '../../helpers/cli-in-process.ts';

const simulate = (args: string[]) => runCliForErrors(['simulate', ...args]);

describe('simulate: usage errors come before the meter starts', () => {
  it.each([
    [['--meter', 'dsmr5', '--to', 'tcp:99999'], '--to: a TCP port is at most 65535, got 99999'],
    [['--meter', 'dsmr5', '--to', 'tcp:0', '--interval', 'abc'], "--interval: expected a positive number, got 'abc'"],
    [['--meter', 'dsmr5', '--speed', '0'], "--speed: expected a positive number, got '0'"],
  ])('%j: exit 2 naming the option, nothing simulated', async (args, message) => {
    const { code, err } = await simulate(args);
    expect(code).toBe(2);
    expect(err).toContain(message);
    expect(err).toContain('usage: smartmeter-bridge simulate');
    expect(err).not.toContain('simulating');
  });
});
