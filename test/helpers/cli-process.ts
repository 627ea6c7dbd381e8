/** The real `smartmeter-bridge` command as a user runs it: a child process with its output collected. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/smartmeter-bridge.js', import.meta.url));

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The exit code, or the signal's name when a signal ended it. */
  exited: Promise<number | string>;
  /** Kills it if it is still running (for cleanup after a failed test). */
  kill(): void;
}

/** Starts `smartmeter-bridge ...args`; `stdin: 'pipe'` leaves standard input open for the test to write to. */
export function runCli(args: string[], stdin: 'pipe' | 'ignore' = 'ignore'): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: [stdin, 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    kill: () => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')),
  };
}
