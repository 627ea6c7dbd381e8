/** `simulate --stick`: the wireless M-Bus heat meter as a USB stick passes it on, read back through that stick's framing. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main.ts';
import { createWmbusDecoder } from '../../../shared/protocols/wmbus/index.ts';
import { concat, KEY } from './fixtures.ts';

async function simulate(args: string[]) {
  const stdout = new PassThrough();
  const chunks: Uint8Array[] = [];
  stdout.on('data', (chunk: Buffer) => chunks.push(new Uint8Array(chunk)));
  const err: string[] = [];
  const code = await runCli(['simulate', '--meter', 'wmbus-heat', '--key', Buffer.from(KEY).toString('hex'), ...args], {
    open: async function* () {},
    out: () => undefined,
    err: (line) => err.push(line),
    stdout,
  });
  return { code, bytes: concat(chunks), err: err.join('\n') };
}

describe('simulate --meter wmbus-heat --stick', () => {
  it.each(['im871a', 'amber'] as const)('sends telegrams as an %s stick does', async (stick) => {
    const run = await simulate(['--stick', stick, '--count', '2', '--interval', '0.01']);
    expect(run.code).toBe(0);
    const decoder = createWmbusDecoder({ wmbusStick: stick, key: KEY });
    const outputs = [...decoder.push(run.bytes), ...decoder.end()];
    expect(outputs.map((o) => o.ok && o.message.meterId)).toEqual(['76543210', '76543210']);
  });

  it('refuses a stick for a meter that is not wireless M-Bus, and an unknown stick', async () => {
    expect((await simulate(['--stick', 'cul'])).err).toContain("--stick: expected im871a, amber, raw; got 'cul'");
    const wired = await runCli(['simulate', '--meter', 'dsmr5', '--stick', 'amber'], {
      open: async function* () {},
      out: () => undefined,
      err: () => undefined,
      stdout: new PassThrough(),
    });
    expect(wired).toBe(2);
  });
});
