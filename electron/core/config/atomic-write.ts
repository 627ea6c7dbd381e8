/**
 * Replaces a file so that a crash or a full disk leaves either the old or the new content, never half of one: the
 * text goes to a temporary file beside it, is flushed to disk, and is renamed over the old file.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** `mode` applies to a file this creates (on Windows only its read-only bit has a meaning). */
export function writeFileAtomically(path: string, text: string, mode = 0o644): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(temporary, 'w', mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(temporary, path);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw e;
  }
  // The rename itself is durable once the folder is flushed; Windows cannot open a folder for that.
  if (process.platform !== 'win32') {
    const dirFd = openSync(dirname(path), 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  }
}
