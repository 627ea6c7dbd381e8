/** `smartmeter-bridge --help`: the overview names every dialect `decode` reads (it left out SML, IEC and wireless M-Bus). */
import { PassThrough } from 'node:stream';
import { expect, it } from 'vitest';
import type { CliIo } from '../../../electron/cli/io.ts';
import { runCli } from '../../../electron/cli/main.ts';

it("the overview's decode line names every dialect decode reads", async () => {
  let out = '';
  const io: CliIo = {
    open: () => (async function* () {})(),
    out: (line) => (out += `${line}\n`),
    err: () => {},
    stdout: new PassThrough(),
  };
  expect(await runCli(['--help'], io)).toBe(0);
  const line = out.split('\n').find((l) => l.trimStart().startsWith('decode '));
  for (const dialect of ['DSMR', 'DLMS/COSEM', 'M-Bus', 'SML', 'IEC 62056-21', 'wireless M-Bus']) {
    expect(line).toContain(dialect);
  }
});
