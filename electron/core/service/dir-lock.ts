/**
 * An exclusive lock on a directory the bridge writes (its data dir, its offline queue): two bridges on one queue
 * would hand out the same sequence numbers and later deliver half of it silently.
 *
 * A lock file created with O_EXCL (`wx`: atomic on Linux, macOS and Windows, local disks) that names the holder's PID.
 * A lock whose holder is gone (killed, crashed, the machine restarted) is taken over: the PID no longer exists, or the
 * file predates the last boot (PIDs are reused after a restart), or the PID is this very process without it holding
 * the lock (a container restarted with the same PID).
 */
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname, uptime } from 'node:os';
import { join, resolve } from 'node:path';
import { makeDirs } from '../fs/make-dirs.ts';

export const LOCK_FILE = 'smartmeter-bridge.lock';

/** A file being written by a starting bridge is not stale yet even if it cannot be read. */
const UNREADABLE_GRACE_MS = 5000;

export class DirLockedError extends Error {
  readonly kind = 'dir-locked';
  constructor(
    readonly dir: string,
    readonly pid: number | undefined,
  ) {
    super(
      `${dir} is in use by another smartmeter-bridge` +
        (pid === undefined ? ' that is starting' : ` (PID ${pid})`) +
        ': stop it first, or give this one another directory',
    );
  }
}

export interface DirLock {
  readonly dir: string;
  /** Removes the lock file if it is still this process's; safe to call twice. */
  release(): Promise<void>;
}

interface Holder {
  pid: number;
}

/** Lock files this process holds, so a second lock in the same process is refused too. */
const heldHere = new Set<string>();

/** Locks `dir` (created if missing); rejects with DirLockedError when another living process holds it. */
export async function lockDir(dir: string): Promise<DirLock> {
  makeDirs(dir);
  const path = resolve(join(dir, LOCK_FILE));
  const content = `${JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() })}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(content, 'utf8');
      } finally {
        await handle.close();
      }
      heldHere.add(path);
      return { dir, release: () => release(path) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 2) throw error;
    }
    const holder = await readHolder(path);
    if (holder === 'starting') throw new DirLockedError(dir, undefined);
    if (typeof holder === 'object' && isAlive(path, holder.pid)) throw new DirLockedError(dir, holder.pid);
    if (holder !== 'gone') await unlink(path).catch(ignoreMissing);
  }
}

async function release(path: string): Promise<void> {
  if (!heldHere.delete(path)) return;
  const holder = await readHolder(path);
  if (typeof holder === 'object' && holder.pid === process.pid) await unlink(path).catch(ignoreMissing);
}

async function readHolder(path: string): Promise<Holder | 'starting' | 'stale' | 'gone'> {
  let text: string;
  let modified: number;
  try {
    [text, modified] = await Promise.all([readFile(path, 'utf8'), stat(path).then((s) => s.mtimeMs)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  // Written before this machine last started: whoever wrote it is gone, whatever process has that PID now.
  if (modified < Date.now() - uptime() * 1000) return 'stale';
  const pid = parsePid(text);
  if (pid !== undefined) return { pid };
  return Date.now() - modified < UNREADABLE_GRACE_MS ? 'starting' : 'stale';
}

function parsePid(text: string): number | undefined {
  try {
    const { pid } = JSON.parse(text) as { pid?: unknown };
    return typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(path: string, pid: number): boolean {
  if (pid === process.pid) return heldHere.has(path);
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists (Windows too)
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
