/**
 * `mkdir -p`, one level at a time: Node's `mkdir(..., { recursive: true })` spins forever where mkdir answers ENOENT
 * under a parent that exists but takes no new entries (`/proc/self/nope`), which would hang the start-up.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (e) {
      // Made by someone else meanwhile: fine, as long as it is a folder.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(level).isDirectory()) throw e;
    }
  }
}
