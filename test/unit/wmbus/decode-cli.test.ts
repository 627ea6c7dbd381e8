/** `decode --protocol wmbus` with keys per meter: several encrypted meters in one capture, each with its own key. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main.ts';
import { encodeHciTelegram } from '../../../shared/protocols/wmbus/sticks/im871a.ts';
import { concat, heatFrame, KEY, OTHER_KEY, waterFrame } from './fixtures.ts';

const hex = (key: Uint8Array) => Buffer.from(key).toString('hex');

async function decode(args: string[], input: Uint8Array) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['decode', '--protocol', 'wmbus', ...args, '-'], {
    open: async function* () {
      yield input;
    },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    stdout: new PassThrough(),
  });
  return { code, lines: out.map((l) => JSON.parse(l) as { meterId?: string; error?: { kind: string } }), err };
}

const capture = concat([
  waterFrame({ security: { mode: 5, key: KEY } }),
  heatFrame({ security: { mode: 7, key: OTHER_KEY, counter: 3 } }),
]);

describe('decode --protocol wmbus with --meter-key', () => {
  it('decrypts each meter with its own key', async () => {
    const run = await decode(
      ['--meter-key', `12345678=${hex(KEY)}`, '--meter-key', `87654321=${hex(OTHER_KEY)}`],
      capture,
    );
    expect(run.lines.map((l) => l.meterId)).toEqual(['12345678', '87654321']);
    expect(run.code).toBe(0);
  });

  it('uses --key for the meters without a key of their own, and says which one it cannot decrypt', async () => {
    const run = await decode(['--key', hex(KEY)], capture);
    expect(run.lines.map((l) => l.meterId ?? l.error?.kind)).toEqual(['12345678', 'decrypt']);
    expect(run.code).toBe(1);
  });

  it('refuses a malformed --meter-key as a usage error', async () => {
    const run = await decode(['--meter-key', '12345678'], capture);
    expect(run.code).toBe(2);
    expect(run.err.join('\n')).toMatch(/--meter-key: expected ID=HEX/);
    expect((await decode(['--meter-key', '12345678=00'], capture)).code).toBe(2);
  });
});

describe('decode --protocol wmbus --stick', () => {
  it("reads a capture of an iM871A stick's serial line, and refuses a stick it does not know", async () => {
    const stickCapture = concat([encodeHciTelegram(waterFrame(), { rssi: 0x80 }), encodeHciTelegram(heatFrame())]);
    const run = await decode(['--stick', 'im871a'], stickCapture);
    expect(run.lines.map((l) => l.meterId)).toEqual(['12345678', '87654321']);
    expect(run.code).toBe(0);
    const unknown = await decode(['--stick', 'cul'], stickCapture);
    expect(unknown.code).toBe(2);
    expect(unknown.err.join('\n')).toContain("--stick: expected im871a, amber, raw; got 'cul'");
  });
});
