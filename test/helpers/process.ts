import type { ChildProcess } from 'node:child_process';

/** Stops a helper process (broker, socat) and waits until it is gone, so its port or pty is free again. */
export function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
