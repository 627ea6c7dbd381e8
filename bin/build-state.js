// Whether the compiled build in dist/ may be used: it exists and no source is newer, so that a checkout being edited
// never runs stale code. An installation that ships only dist/ has no sources and always uses it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const CLI_BUNDLE = join(ROOT, 'dist', 'cli', 'main.js');
export const RENDERER_INDEX = join(ROOT, 'dist', 'renderer', 'index.html');

/** The newest modification time (ms) of the files under these folders of the package; 0 when none exists. */
export function newestFile(dirs) {
  let newest = 0;
  for (const dir of dirs.map((d) => join(ROOT, d)).filter((d) => existsSync(d))) {
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/** True when `output` exists and is at least as new as every file under `sourceDirs`. */
export function isFresh(output, sourceDirs) {
  return existsSync(output) && newestFile(sourceDirs) <= statSync(output).mtimeMs;
}

export const NODE_SOURCES = ['electron', 'shared'];
export const RENDERER_SOURCES = ['renderer', 'shared'];
