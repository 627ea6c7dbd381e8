// electron-builder's beforeBuild hook (electron-builder.yml; docs/desktop.md, "Packaging"). Native modules built for
// one Node ABI do not load in Electron, whose ABI differs: better-sqlite3 (the history) is such a module. Before each
// platform and arch is packed, it is rebuilt for the Electron being packed with @electron/rebuild, which takes
// better-sqlite3's prebuilt Electron binary when one is published and compiles it otherwise. serialport's Node-API
// prebuilds load in any Electron as they are, so nothing else is rebuilt (nor needs a C++ toolchain).
import { createRequire } from 'node:module';
import { rebuild } from '@electron/rebuild';

/** Production dependencies with a binary bound to one Node ABI (not Node-API): rebuilt for Electron here. */
export const ABI_BOUND_MODULES = ['better-sqlite3'];

export async function beforeBuild({ appDir, electronVersion, platform, arch }) {
  await rebuild({
    buildPath: appDir,
    electronVersion: electronVersion ?? createRequire(import.meta.url)('electron/package.json').version,
    platform: platform.nodeName,
    arch,
    onlyModules: ABI_BOUND_MODULES,
    force: true,
  });
  // Done here: electron-builder's own rebuild of every native module is skipped.
  return false;
}
