import { createReadStream } from 'node:fs';
import { addAbortSignal, type Readable, type Writable } from 'node:stream';

/** What a command may touch of the outside world, so tests can run commands in-process. */
export interface CliIo {
  /** A byte stream for a path, or for `-` the standard input; it ends with an error once `signal` aborts. */
  open(path: string): AsyncIterable<Uint8Array>;
  out(line: string): void;
  err(line: string): void;
  /** Standard output as a byte stream, for commands that write binary data. */
  stdout: Writable;
  /** Aborted when the user stops the program (Ctrl-C, SIGTERM): long-running commands finish cleanly. */
  signal?: AbortSignal;
  /** Ends the process (the real CLI only): a command that stopped must not be kept alive by a stuck handle. */
  exit?: (code: number) => void;
  /** Ends the process at once (SIGKILL): for a thread stuck in the kernel, which exit() would wait for forever. */
  kill?: () => void;
}

export function nodeIo(
  stdin: Readable = process.stdin,
  stdout: Writable = process.stdout,
  stderr: Writable = process.stderr,
): CliIo {
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
  return {
    // Closed on abort, so that a read waiting on a stream that never ends (a serial device, a pipe) ends too.
    open: (path) => addAbortSignal(stop.signal, path === '-' ? stdin : createReadStream(path)),
    out: (line) => stdout.write(`${line}\n`),
    err: (line) => stderr.write(`${line}\n`),
    stdout,
    signal: stop.signal,
    exit: (code) => process.exit(code),
    kill: () => process.kill(process.pid, 'SIGKILL'),
  };
}
