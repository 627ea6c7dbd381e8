/**
 * Every real capture in ../shared/corpus decodes to the values an independent decoder read from it, through the
 * `decode` command: with its protocol named, with `--protocol auto` as a user would first try, and fed one byte at
 * a time as a slow serial line delivers it.
 */
import { describe, expect, it } from 'vitest';
import { checkCase } from './expectations.ts';
import { corpusAvailable, loadCorpus } from './manifest.ts';
import { DEVIATIONS } from './mbus-records.ts';
import { caseArgs, runDecode } from './run-decode.ts';

const cases = loadCorpus();

describe.skipIf(!corpusAvailable)('shared corpus through `decode`', () => {
  it('holds captures of every protocol', () => {
    expect(new Set(cases.map((c) => c.protocol))).toEqual(new Set(['dsmr', 'dlms', 'mbus']));
  });

  const modes = [
    { name: 'protocol named', protocol: undefined, bytewise: false },
    { name: 'protocol auto', protocol: 'auto', bytewise: false },
    { name: 'one byte at a time', protocol: undefined, bytewise: true },
  ];
  describe.each(modes)('$name', ({ protocol, bytewise }) => {
    it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
      const run = await runDecode(caseArgs(c, protocol), { bytewise });
      expect(checkCase(c, run.lines)).toEqual([]);
      const failed = run.lines.some((l) => l.error);
      expect(run.code).toBe(failed ? 1 : 0);
    });
  });

  it('still differs from the raw oracle wherever a deviation is declared (drop those that no longer do)', async () => {
    for (const id of Object.keys(DEVIATIONS)) {
      const c = cases.find((k) => k.id === id)!;
      const run = await runDecode(caseArgs(c));
      expect(checkCase(c, run.lines, { deviations: false }), id).not.toEqual([]);
    }
  });
});
