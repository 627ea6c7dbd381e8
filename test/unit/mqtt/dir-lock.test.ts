/** The data-dir lock: one bridge per directory, a lock left by a dead bridge taken over, never one of a living one. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir, uptime } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirLockedError, LOCK_FILE, lockDir, type DirLock } from '../../../electron/core/service/dir-lock.ts';

let dir: string;
const held: DirLock[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smb-lock-'));
});

afterEach(async () => {
  await Promise.all(held.splice(0).map((l) => l.release()));
  rmSync(dir, { recursive: true, force: true });
});

async function lock(path = dir): Promise<DirLock> {
  const l = await lockDir(path);
  held.push(l);
  return l;
}

const lockFile = (): string => join(dir, LOCK_FILE);
const writeHolder = (pid: number): void => writeFileSync(lockFile(), JSON.stringify({ pid, host: 'x' }));

/** The PID of a process that has exited: nobody holds a lock with it. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
}

describe('data dir lock', () => {
  it('refuses a second lock on the same directory, naming the PID that holds it', async () => {
    await lock();
    expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toMatchObject({ pid: process.pid });
    const second = lockDir(dir);
    await expect(second).rejects.toBeInstanceOf(DirLockedError);
    await expect(second).rejects.toThrow(`(PID ${process.pid})`);
  });

  it('refuses a directory held by another living process', async () => {
    writeHolder(process.ppid);
    await expect(lockDir(dir)).rejects.toThrow(`(PID ${process.ppid})`);
  });

  it('takes over the lock of a process that is gone (killed, crashed)', async () => {
    writeHolder(deadPid());
    await lock();
    expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toMatchObject({ pid: process.pid });
  });

  it('takes over a lock written before the machine last started (its PID may belong to anyone now)', async () => {
    writeHolder(process.ppid);
    const beforeBoot = (Date.now() - uptime() * 1000) / 1000 - 60;
    utimesSync(lockFile(), beforeBoot, beforeBoot);
    await lock();
  });

  it('takes over a lock naming this very process when this process does not hold it (a restarted container)', async () => {
    writeHolder(process.pid);
    await lock();
  });

  it('takes over an unreadable lock file once it is old, but not while it may still be being written', async () => {
    writeFileSync(lockFile(), '');
    await expect(lockDir(dir)).rejects.toThrow('that is starting');
    const old = Date.now() / 1000 - 60;
    utimesSync(lockFile(), old, old);
    await lock();
  });

  it('is free again once released, and the lock file is gone', async () => {
    const first = await lockDir(dir);
    await first.release();
    await first.release();
    expect(existsSync(lockFile())).toBe(false);
    await lock();
  });

  it('fails instead of hanging where a directory cannot be created (e.g. under /proc)', async () => {
    writeFileSync(join(dir, 'a-file'), 'x');
    await expect(lockDir(join(dir, 'a-file', 'data'))).rejects.toThrow(/ENOTDIR|EEXIST/);
    if (process.platform === 'linux') await expect(lockDir('/proc/self/nope')).rejects.toThrow(/ENOENT/);
  });

  it('creates a directory that does not exist yet', async () => {
    await lock(join(dir, 'new', 'data'));
    expect(existsSync(join(dir, 'new', 'data', LOCK_FILE))).toBe(true);
  });
});
