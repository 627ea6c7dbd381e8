/**
 * Every real capture in ../shared/corpus decodes to the values an independent decoder read from it, through the
 * `decode` command, both with its protocol named and with `--protocol auto` as a user would first try.
 */
import { describe, expect, it } from 'vitest';
import { checkCase } from './expectations.ts';
import { corpusAvailable, loadCorpus } from './manifest.ts';
import { caseArgs, runDecode } from './run-decode.ts';

const cases = loadCorpus();

describe.skipIf(!corpusAvailable)('shared corpus through `decode`', () => {
  it('holds captures of every protocol', () => {
    expect(new Set(cases.map((c) => c.protocol))).toEqual(new Set(['dsmr', 'dlms', 'mbus']));
  });

  describe.each(['named', 'auto'] as const)('protocol %s', (mode) => {
    it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
      const run = await runDecode(caseArgs(c, mode === 'auto' ? 'auto' : c.protocol));
      expect(checkCase(c, run.lines)).toEqual([]);
      const failed = run.lines.some((l) => l.error);
      expect(run.code).toBe(failed ? 1 : 0);
    });
  });
});
