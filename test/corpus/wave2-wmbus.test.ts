/**
 * The 34 wireless M-Bus telegrams in ../shared/corpus/manifest-wave2.json (25 manufacturers, 11 AES-encrypted with
 * their published keys) decode to the values wmbusmeters read from them, through the real `decode --protocol wmbus`
 * with the key passed as `--key`, whole and one byte at a time: the Engelmann FAW's compact frame by its family's
 * known layout, the Sharky 775's Diehl real data with Diehl's default key.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, type CorpusCase } from './manifest.ts';
import { caseArgs, runDecode } from './run-decode.ts';
import { checkWmbus, type WmbusCase } from './wmbus-values.ts';

const MANIFEST = `${CORPUS_DIR}manifest-wave2.json`;
const available = existsSync(MANIFEST);
const cases = available
  ? (JSON.parse(readFileSync(MANIFEST, 'utf8')) as WmbusCase[]).filter((c) => c.protocol === 'wmbus')
  : [];

describe.skipIf(!available)('wave 2 corpus: wireless M-Bus through `decode`', () => {
  it('holds the 34 wireless M-Bus telegrams, 11 of them with keys', () => {
    expect(cases).toHaveLength(34);
    expect(cases.filter((c) => c.key)).toHaveLength(11);
  });

  describe.each([
    { name: '--protocol wmbus', bytewise: false },
    { name: 'one byte at a time', bytewise: true },
  ])('$name', ({ bytewise }) => {
    it.each(cases.map((c) => [c.id, c] as const))('%s', async (_, c) => {
      const run = await runDecode(caseArgs(c as unknown as CorpusCase, 'wmbus'), { bytewise });
      expect(checkWmbus(c, run.lines)).toEqual([]);
      expect(run.lines.every((l) => l.protocol === 'wmbus')).toBe(true);
      expect(run.code).toBe(0);
    });
  });
});
