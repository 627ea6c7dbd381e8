/**
 * The 29 SML captures of German eHZ meters in ../shared/corpus/manifest-wave2.json decode to the values sml-rs read
 * from them, through the real `decode` command: with `--protocol sml`, with `auto`, and one byte at a time. Dumps
 * start and end inside a file and some files carry wrong CRCs: those are error lines, every complete file decodes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkCase } from './expectations.ts';
import { CORPUS_DIR, type CorpusCase } from './manifest.ts';
import { caseArgs, runDecode } from './run-decode.ts';

const MANIFEST = `${CORPUS_DIR}manifest-wave2.json`;
const available = existsSync(MANIFEST);
const cases = available
  ? (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { protocol: string }[]).filter((c) => c.protocol === 'sml')
  : [];
// checkCase reads SML cases as it reads DSMR ones: values with OBIS, value and unit.
const smlCases = cases as unknown as CorpusCase[];

describe.skipIf(!available)('wave 2 corpus: SML through `decode`', () => {
  it('holds the 29 SML captures', () => {
    expect(smlCases).toHaveLength(29);
  });

  const modes = [
    { name: '--protocol sml', protocol: 'sml', bytewise: false },
    { name: '--protocol auto', protocol: 'auto', bytewise: false },
    { name: 'one byte at a time', protocol: 'sml', bytewise: true },
  ];
  describe.each(modes)('$name', ({ protocol, bytewise }) => {
    it.each(smlCases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
      const run = await runDecode(caseArgs(c, protocol), { bytewise });
      expect(checkCase(c, run.lines)).toEqual([]);
      expect(run.lines.filter((l) => !l.error).every((l) => l.protocol === 'sml')).toBe(true);
      expect(run.code).toBe(run.lines.some((l) => l.error) ? 1 : 0);
    });
  });
});
