import { readdirSync, readFileSync } from 'node:fs';
import { join, matchesGlob, relative } from 'node:path';
import { builtinModules } from 'node:module';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..', '..');
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8'));

describe('the installers (electron-builder.yml)', () => {
  it('burn the fuses: no Node mode, no NODE_OPTIONS, no inspector, only the integrity-checked app.asar', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.asar).toBe(true);
  });

  it('keep every native serialport binary outside the asar, where it can be loaded', () => {
    const prebuilds = join(root, 'node_modules', '@serialport', 'bindings-cpp', 'prebuilds');
    const binaries = readdirSync(prebuilds, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.node'))
      .map((f) => relative(root, join(prebuilds, f)).replaceAll('\\', '/'));
    expect(binaries.length).toBeGreaterThan(0);
    for (const binary of binaries) {
      expect(
        config.asarUnpack.some((glob: string) => matchesGlob(binary, glob)),
        binary,
      ).toBe(true);
    }
  });

  it('package the bundles the shell loads at run time, without source maps', () => {
    expect(config.files).toEqual(
      expect.arrayContaining(['package.json', 'dist/main/**', 'dist/preload/**', 'dist/renderer/**', '!**/*.map']),
    );
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('dist/main/main.js');
    expect(config.extraResources).toContainEqual({ from: 'build/tray', to: 'tray' });
  });

  it('ship every package the main process imports (dependencies, not devDependencies)', async () => {
    // @ts-expect-error: a plain ES module of the build, without types
    const { MAIN_OPTIONS } = await import('../../../scripts/build-desktop.mjs');
    const { metafile } = await build({ ...MAIN_OPTIONS, write: false, metafile: true, outfile: 'main.js' });
    const imported = Object.values(metafile?.outputs ?? {}).flatMap((output) =>
      output.imports.filter((i) => i.external).map((i) => i.path),
    );
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const shipped = new Set([...Object.keys(pkg.dependencies), ...builtinModules, 'electron']);
    const packageName = (path: string) =>
      path
        .replace(/^node:/, '')
        .split('/')
        .slice(0, path.startsWith('@') ? 2 : 1)
        .join('/');
    expect(imported.length).toBeGreaterThan(0);
    expect(imported.map(packageName).filter((name) => !shipped.has(name))).toEqual([]);
  });

  it('build AppImage and deb, a per-user Windows installer, and macOS dmgs for Intel and Apple silicon', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.nsis).toMatchObject({ perMachine: false, allowElevation: false });
    expect(config.mac.target).toEqual([{ target: 'dmg', arch: ['x64', 'arm64'] }]);
    expect(config.mac.hardenedRuntime).toBe(true);
  });

  it('give the macOS app the serial port entitlement, and no library-validation escape', () => {
    const entitlements = readFileSync(join(root, config.mac.entitlements), 'utf8');
    expect(entitlements).toMatch(/<key>com\.apple\.security\.device\.serial<\/key>\s*<true\/>/);
    expect(entitlements).not.toMatch(/<key>com\.apple\.security\.cs\.disable-library-validation<\/key>/);
  });
});
