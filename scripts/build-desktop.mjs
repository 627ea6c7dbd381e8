// The desktop shell's bundles (docs/desktop.md), after `npm run build` made the renderer: the main process as ESM in
// dist/main, the sandboxed preload as one CommonJS file in dist/preload (a sandboxed preload cannot load modules, so
// only `electron` stays outside). No Electron binary is needed: CI builds and checks these without one.
import { build } from 'esbuild';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_SOURCES, ROOT, isFresh } from '../bin/build-state.js';

export const DESKTOP_MAIN = join(ROOT, 'dist', 'main', 'main.js');
export const DESKTOP_PRELOAD = join(ROOT, 'dist', 'preload', 'preload.cjs');

/** esbuild options of both bundles; electronegativity builds the same ones once more for its scan. Electron 45 runs Node 22. */
const common = { absWorkingDir: ROOT, bundle: true, platform: 'node', target: 'node22', logLevel: 'warning' };
// Dependencies load from node_modules inside the package (serialport's native part unpacked from the asar).
export const MAIN_OPTIONS = { ...common, entryPoints: ['electron/main/main.ts'], format: 'esm', packages: 'external' };
export const PRELOAD_OPTIONS = {
  ...common,
  entryPoints: ['electron/preload/preload.ts'],
  format: 'cjs',
  external: ['electron'],
};

export async function buildDesktop({ ifStale = false } = {}) {
  if (ifStale && isFresh(DESKTOP_MAIN, NODE_SOURCES) && isFresh(DESKTOP_PRELOAD, NODE_SOURCES)) return;
  await build({ ...MAIN_OPTIONS, outfile: DESKTOP_MAIN, sourcemap: true });
  await build({ ...PRELOAD_OPTIONS, outfile: DESKTOP_PRELOAD });
  console.log('built dist/main and dist/preload');
}

// Run as a script (`node scripts/build-desktop.mjs [--if-stale]`), or imported by the electronegativity check.
if (fileURLToPath(import.meta.url) === resolve(process.argv[1] ?? '')) {
  await buildDesktop({ ifStale: process.argv.includes('--if-stale') });
}
