/** Runs the CLI in this process with no input and no output kept but what it writes to stderr. */
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../electron/cli/io.ts';
import { runCli } from '../../electron/cli/main.ts';

export async function runCliForErrors(args: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const io: CliIo = {
    open: () => (async function* () {})(),
    out: () => {},
    err: (line) => (err += `${line}\n`),
    stdout: new PassThrough(),
  };
  const code = await runCli(args, io);
  return { code, err };
}
