// `npm run electronegativity`: Doyensec's Electronegativity over the desktop app's main, preload and renderer code,
// offline, failing on every finding that scripts/electronegativity-allowlist.json does not explain, on every
// allow-list entry that no longer matches anything (so the list stays reviewed), and on every file it could not read.
//
// The main and preload bundles are built again into a temporary folder from the same sources and esbuild options as
// the shipped ones, but with syntax lowered to ES2021: Electronegativity's parser stops at class private fields (#x),
// and a file it cannot parse would otherwise be a file it silently did not check. The renderer is dist/renderer.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from '../bin/build-state.js';
import { MAIN_OPTIONS, PRELOAD_OPTIONS } from './build-desktop.mjs';

const require = createRequire(import.meta.url);
const runnerPath = require.resolve('@doyensec/electronegativity/dist/runner.js');
// Offline: the runner fetches translations with `got` (harmless but a network call); it gets a refusal instead, and
// the one online check (known Electron vulnerabilities for this version) is excluded below.
const fromRunner = createRequire(runnerPath);
fromRunner.cache[fromRunner.resolve('got')] = {
  id: 'got',
  loaded: true,
  exports: () => Promise.reject(new Error('offline')),
};
const run = fromRunner(runnerPath);

const allowList = JSON.parse(readFileSync(join(ROOT, 'scripts', 'electronegativity-allowlist.json'), 'utf8'));
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;

const renderer = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'inherit' });
if (renderer.status !== 0) process.exit(1);

const staging = mkdtempSync(join(tmpdir(), 'electronegativity-'));
try {
  await build({ ...MAIN_OPTIONS, target: 'es2021', outfile: join(staging, 'main', 'main.js') });
  await build({ ...PRELOAD_OPTIONS, target: 'es2021', outfile: join(staging, 'preload', 'preload.js') });
  cpSync(join(ROOT, 'dist', 'renderer'), join(staging, 'renderer'), { recursive: true });

  const result = await run({
    input: staging,
    isRelative: true,
    electronVersionOverride: electronVersion,
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
  });

  const explains = (entry, issue) =>
    entry.check === issue.id &&
    entry.file === issue.file.replaceAll('\\', '/') &&
    (entry.code === undefined || (issue.sample ?? '').includes(entry.code));
  const unexplained = result.issues.filter((issue) => !allowList.some((entry) => explains(entry, issue)));
  const stale = allowList.filter((entry) => !result.issues.some((issue) => explains(entry, issue)));
  const unread = result.errors.filter((e) => !e.tolerable);

  console.log(
    `electronegativity ${electronVersion}: ${result.atomicChecks + result.globalChecks} checks, ` +
      `${result.issues.length} findings, ${result.issues.length - unexplained.length} explained by the allow-list`,
  );
  for (const issue of unexplained) {
    console.error(`UNEXPLAINED ${issue.id} in ${issue.file}:${issue.location.line}: ${issue.description}`);
    if (issue.sample) console.error(`    ${String(issue.sample).trim().slice(0, 200)}`);
  }
  for (const entry of stale) console.error(`STALE allow-list entry (matches nothing now): ${JSON.stringify(entry)}`);
  for (const error of unread) console.error(`UNREAD ${error.file}: ${error.message}`);
  process.exitCode = unexplained.length || stale.length || unread.length ? 1 : 0;
} finally {
  rmSync(staging, { recursive: true, force: true });
}
