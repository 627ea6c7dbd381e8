/**
 * A pair of connected pseudo-terminals made by socat (Debian package `socat`): the bridge opens one end with the real
 * `serialport` binding, the test writes meter bytes into the other. Remove and recreate it to simulate an unplug.
 * Note (GUIDE): these ptys refuse parity and 7-bit settings after the first open; make a fresh pair per test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { terminate } from './process.ts';
import { until } from './wait.ts';

export interface PtyPair {
  /** The end the bridge opens, like /dev/ttyUSB0. */
  device: string;
  /** The end the test (meter) writes to. */
  meter: string;
  /** Kills socat: both links disappear, as when an adapter is unplugged. */
  unplug(): Promise<void>;
  /** Creates the pair again under the same names. */
  replug(): Promise<void>;
  dispose(): Promise<void>;
}

export async function createPtyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'smb-pty-'));
  const device = join(dir, 'ttyBRIDGE');
  const meter = join(dir, 'ttyMETER');
  let child: ChildProcess | null = null;

  const pair: PtyPair = {
    device,
    meter,
    async replug() {
      if (child) return;
      child = spawn('socat', [`pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${meter}`], { stdio: 'ignore' });
      await until(() => existsSync(device) && existsSync(meter), 'socat ptys', 5000);
    },
    async unplug() {
      const running = child;
      if (!running) return;
      child = null;
      await terminate(running);
      await until(() => !existsSync(device) && !existsSync(meter), 'socat links to go', 5000);
    },
    async dispose() {
      await pair.unplug();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await pair.replug();
  return pair;
}
