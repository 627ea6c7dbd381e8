/**
 * Finding a USB serial adapter again after a replug. Linux names adapters in plug order (/dev/ttyUSB0, then ttyUSB1
 * after a replug) but udev also keeps a stable link per adapter in /dev/serial/by-id; that link is what we remember.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';

export const DEFAULT_BY_ID_DIR: string | null = process.platform === 'linux' ? '/dev/serial/by-id' : null;

/** Where `path` leads now (symlinks followed), or null when nothing is there. */
export async function resolveDevice(path: string): Promise<string | null> {
  return realpath(path).catch(() => null);
}

/**
 * The stable link for the device `path` leads to: `path` itself when it lies in `byIdDir`, otherwise the link in
 * `byIdDir` that resolves to the same device; null when there is none (no udev, a pty, Windows).
 */
export async function findStableLink(path: string, byIdDir: string | null): Promise<string | null> {
  if (!byIdDir) return null;
  if (isInside(byIdDir, path)) return path;
  const device = await resolveDevice(path);
  if (!device) return null;
  const names = await readdir(byIdDir).catch(() => [] as string[]);
  for (const name of names.sort()) {
    const link = join(byIdDir, name);
    if ((await resolveDevice(link)) === device) return link;
  }
  return null;
}

/**
 * A fingerprint of the device file behind `path`, so a watcher notices it vanishing or being replaced by another
 * device under the same name (a fast replug, a recreated pty); null when `path` is no file (COM3, a mock port).
 */
export async function deviceIdentity(path: string): Promise<string | null> {
  const device = await resolveDevice(path);
  if (!device) return null;
  const info = await stat(device).catch(() => null);
  return info ? `${device}|${info.dev}|${info.ino}|${info.rdev}` : null;
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
