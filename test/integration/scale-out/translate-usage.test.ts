/** `translate` refuses what cannot work before connecting anywhere: exit 2, the option named, the usage shown. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main.ts';
import type { CliIo } from '../../../electron/cli/io.ts';

async function translate(args: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const io = { out: () => {}, err: (line: string) => (err += `${line}\n`) } as unknown as CliIo;
  const code = await runCli(['translate', ...args], io);
  return { code, err };
}

describe('translate: usage', () => {
  it.each([
    [[], '--broker: the broker URL is required'],
    [['--broker', 'ftp://x'], '--broker: expected an mqtt://'],
    [['--broker', 'mqtt://x', '--gateway', 'zigbee'], '--gateway:'],
    [['--broker', 'mqtt://x', '--group', 'a/b'], '--group: use 1 to 64 letters'],
    [['--broker', 'mqtt://x', '--health', 'nope'], '--health: expected HOST:PORT'],
    [['--broker', 'mqtt://x', '--base-topic', '$SYS'], '--base-topic: the base topic must not start with "$"'],
    [['--broker', 'mqtt://x', '--time-zone', 'Mars/Base'], '--time-zone:'],
    [['--broker', 'mqtt://x', '--offline-after', '0'], '--offline-after:'],
    [['--broker', 'mqtt://x', '--max-delay', '0'], '--max-delay:'],
    [['--broker', 'mqtt://x', '--ha-discovery', 'home/#'], '--ha-discovery:'],
    [['--broker', 'mqtt://x', '--rl-dsp', 'a/b'], '--rl-dsp:'],
    [['--broker', 'mqtt://x', '--rl-dsp-scale', 'mega'], '--rl-dsp-scale:'],
  ])('%j: exit 2 naming the option', async (args, message) => {
    const { code, err } = await translate(args);
    expect(code).toBe(2);
    expect(err).toContain(message);
    expect(err).toContain('usage: smartmeter-bridge translate');
  });
});
