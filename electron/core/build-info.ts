/** Where this installation's files are, whether it runs from the sources (electron/) or the compiled bundle (dist/). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder above this module that holds a package.json: the package root in every layout. */
export function packageRoot(): string {
  const here = fileURLToPath(import.meta.url);
  for (let dir = dirname(here); ;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${here}`);
    dir = up;
  }
}

/** The built browser UI (`npm run build`), served by `serve`. */
export function rendererDir(): string {
  return join(packageRoot(), 'dist', 'renderer');
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
