import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, matchesGlob } from 'node:path';
import { builtinModules } from 'node:module';
import { Ajv } from 'ajv';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..', '..');
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8'));

/** Width and height from a PNG's header (its IHDR chunk); throws for anything else. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  if (!bytes.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'))) throw new Error(`${file}: not a PNG`);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** The packages the app ships (package-lock's non-dev ones) that hold native binaries, with those binaries. */
function nativePackages(): { path: string; binaries: string[] }[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  return Object.entries(lock.packages as Record<string, { dev?: boolean }>)
    .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev && existsSync(join(root, path)))
    .map(([path]) => ({
      path,
      binaries: readdirSync(join(root, path), { recursive: true, encoding: 'utf8' })
        .map((f) => f.replaceAll('\\', '/'))
        // A nested node_modules is a package of its own in the lock.
        .filter((f) => f.endsWith('.node') && !f.includes('node_modules/'))
        .map((f) => `${path}/${f}`),
    }))
    .filter((p) => p.binaries.length > 0);
}

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

  it('are a configuration electron-builder accepts (its own schema: no misspelt or unknown key)', () => {
    const schema = JSON.parse(readFileSync(join(root, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8'));
    // Its `typeof: function` (hooks given as functions in JS configs) is no JSON Schema keyword: ignored here.
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
  });

  it('keep every native binary of the shipped packages outside the asar, where it can be loaded', () => {
    const binaries = nativePackages().flatMap((p) => p.binaries);
    // serialport's prebuilds and better-sqlite3's build, at least.
    expect(binaries.some((b) => b.includes('@serialport/bindings-cpp/prebuilds/'))).toBe(true);
    expect(binaries.some((b) => b.endsWith('better-sqlite3/build/Release/better_sqlite3.node'))).toBe(true);
    for (const binary of binaries) {
      expect(
        config.asarUnpack.some((glob: string) => matchesGlob(binary, glob)),
        binary,
      ).toBe(true);
    }
  });

  it('rebuild for Electron every native package bound to one Node ABI, and leave the Node-API ones', async () => {
    // @ts-expect-error: a plain ES module of the build, without types
    const { ABI_BOUND_MODULES, beforeBuild } = await import('../../../build/rebuild-native.mjs');
    expect(config.npmRebuild).toBe(true);
    expect(typeof beforeBuild).toBe('function');
    expect(config.beforeBuild).toBe('./build/rebuild-native.mjs');
    // Node-API packages ship prebuilds/ (node-gyp-build) for every platform; the others are rebuilt.
    const bound = nativePackages()
      .filter((p) => !existsSync(join(root, p.path, 'prebuilds')))
      .map((p) => p.path.replace(/^.*node_modules\//, ''));
    expect(bound).toEqual(ABI_BOUND_MODULES);
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

  it('have the icons: the app’s (square, at least 512 px for the macOS icns) and the tray’s at 1x and 2x', () => {
    expect([config.linux.icon, config.win.icon, config.mac.icon]).toEqual(Array(3).fill('build/icon.png'));
    const icon = pngSize(join(root, 'build', 'icon.png'));
    expect(icon.width).toBe(icon.height);
    expect(icon.width).toBeGreaterThanOrEqual(512);
    const tray = pngSize(join(root, 'build', 'tray', 'tray.png'));
    expect(pngSize(join(root, 'build', 'tray', 'tray@2x.png'))).toEqual({
      width: 2 * tray.width,
      height: 2 * tray.height,
    });
  });

  it('give the macOS app the serial port entitlement, and no library-validation escape', () => {
    const entitlements = readFileSync(join(root, config.mac.entitlements), 'utf8');
    expect(entitlements).toMatch(/<key>com\.apple\.security\.device\.serial<\/key>\s*<true\/>/);
    expect(entitlements).not.toMatch(/<key>com\.apple\.security\.cs\.disable-library-validation<\/key>/);
  });
});
