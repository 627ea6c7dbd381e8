/**
 * Settings changed in the UI are written into the config file serve was started with: the "No meter at hand?" flow
 * (README and the first-run page) used to start serve on the tracked docs/examples file, which the UI then edited.
 * Both now start it on a copy of the example.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

/** The file each `--config` of a command points at. */
const configArgs = (text: string) => [...text.matchAll(/--config\s+([^\s`;]+)/g)].map((m) => m[1]!);

describe('"No meter at hand?"', () => {
  it.each([
    ['README.md', read('README.md').split('## No meter at hand?')[1]!.split('\n## ')[0]!],
    ['the first-run page', read('renderer/src/pages/FirstRunPage.tsx')],
  ])('in %s starts serve on a copy of the example, never on the tracked file', (_, text) => {
    const configs = configArgs(text);
    expect(configs).toEqual(['my-bridge.yaml']);
    expect(text).toContain('cp docs/examples/simulated-meter.yaml my-bridge.yaml');
  });
});
