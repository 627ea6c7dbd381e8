/**
 * `simulate` with an option it cannot use: a usage error (exit 2, the option named, the usage shown) before anything
 * opens or is announced. Before, a TCP port above 65535 gave Node's own RangeError with exit 1, and a bad --interval
 * or --speed came after "simulating ... on ..." with the port already listening.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../electron/cli/io.ts';
import { runCli } from '../../../electron/cli/main.ts';

async function simulate(args: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const io: CliIo = {
    open: () => (async function* () {})(),
    out: () => {},
    err: (line) => (err += `${line}\n`),
    stdout: new PassThrough(),
  };
  const code = await runCli(['simulate', ...args], io);
  return { code, err };
}

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
