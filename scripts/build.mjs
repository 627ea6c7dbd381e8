// `npm run build`: the renderer bundled by Vite into dist/renderer, and the Node code (CLI, core, server) bundled by
// esbuild into dist/cli/main.js. With --if-stale, only the parts whose sources changed since their last build.
import { build as esbuild } from 'esbuild';
import { renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build as viteBuild } from 'vite';
import { CLI_BUNDLE, NODE_SOURCES, RENDERER_INDEX, RENDERER_SOURCES, ROOT, isFresh } from '../bin/build-state.js';

const ifStale = process.argv.includes('--if-stale');

if (!ifStale || !isFresh(RENDERER_INDEX, RENDERER_SOURCES)) {
  // React's production build whoever starts this: Vite takes NODE_ENV from the caller, and a test run's (vitest sets
  // NODE_ENV=test) gave the UI React's development build, 1.5-3x slower to render.
  process.env.NODE_ENV = 'production';
  await viteBuild({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
  console.log('built dist/renderer');
}
if (!ifStale || !isFresh(CLI_BUNDLE, NODE_SOURCES)) {
  // Built beside and swapped in whole, so that a command starting meanwhile never loads half a build.
  const next = `${dirname(CLI_BUNDLE)}.next`;
  rmSync(next, { recursive: true, force: true });
  await esbuild({
    absWorkingDir: ROOT,
    entryPoints: ['electron/cli/main.ts'],
    outdir: next,
    // Each command's modules in their own chunk, loaded when the command runs (fast start for `decode`).
    splitting: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Dependencies load from node_modules as they are (native serialport bindings, aedes' workers).
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  rmSync(dirname(CLI_BUNDLE), { recursive: true, force: true });
  renameSync(next, dirname(CLI_BUNDLE));
  console.log('built dist/cli');
}
