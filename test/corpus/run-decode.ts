/** Runs the real `decode` command in-process and collects the NDJSON it prints. */
import { createReadStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import { runCli } from '../../electron/cli/main.ts';
import type { DecodedLine } from './expectations.ts';
import { CORPUS_DIR, type CorpusCase } from './manifest.ts';

export interface DecodeRun {
  code: number;
  lines: DecodedLine[];
  stderr: string[];
}

export async function runDecode(args: string[]): Promise<DecodeRun> {
  const out: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(['decode', ...args], {
    open: (path) => createReadStream(path),
    out: (line) => out.push(line),
    err: (line) => stderr.push(line),
    stdout: new PassThrough(),
  });
  return { code, lines: out.map((l) => JSON.parse(l) as DecodedLine), stderr };
}

export function caseArgs(c: CorpusCase, protocol: string = c.protocol): string[] {
  const args = ['--protocol', protocol];
  if (c.key) args.push('--key', c.key);
  if (c.authKey) args.push('--auth-key', c.authKey);
  return [...args, `${CORPUS_DIR}${c.file}`];
}
