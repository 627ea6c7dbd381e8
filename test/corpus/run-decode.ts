/** Runs the real `decode` command in-process and collects the NDJSON it prints. */
import { createReadStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import { runCli } from '../../electron/cli/main.ts';
import type { DecodedLine } from './decoded-line.ts';
import { CORPUS_DIR, type CorpusCase } from './manifest.ts';

export interface DecodeRun {
  code: number;
  lines: DecodedLine[];
  stderr: string[];
}

/** Every byte as its own chunk, as a slow serial line may deliver them. */
async function* bytewise(path: string): AsyncGenerator<Uint8Array> {
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (const byte of chunk) yield Uint8Array.of(byte);
  }
}

export async function runDecode(args: string[], options: { bytewise?: boolean } = {}): Promise<DecodeRun> {
  const out: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(['decode', ...args], {
    open: (path) => (options.bytewise ? bytewise(path) : createReadStream(path)),
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
