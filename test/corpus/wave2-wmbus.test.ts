/**
 * The 34 wireless M-Bus telegrams in ../shared/corpus/manifest-wave2.json (25 manufacturers, 11 AES-encrypted with
 * their published keys) decode to the values wmbusmeters read from them, through the real `decode --protocol wmbus`
 * with the key passed as `--key`, whole and one byte at a time. The two that cannot decode are listed in GAPS with
 * the reason, and must fail with that typed error, never with another.
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

/** Cases the decoder cannot read yet, with the error kind it must give instead. */
const GAPS: Record<string, { kind: string; reason: string }> = {
  'wmbus-wmbusmeters-sharky-L174': {
    kind: 'unsupported',
    reason: "security mode 21 is Diehl's own (manufacturer-specific modes 16-31), with no public specification",
  },
};

describe.skipIf(!available)('wave 2 corpus: wireless M-Bus through `decode`', () => {
  it('holds the 34 wireless M-Bus telegrams, 11 of them with keys', () => {
    expect(cases).toHaveLength(34);
    expect(cases.filter((c) => c.key)).toHaveLength(11);
  });

  describe.each([
    { name: '--protocol wmbus', bytewise: false },
    { name: 'one byte at a time', bytewise: true },
  ])('$name', ({ bytewise }) => {
    it.each(cases.map((c) => [c.id, c] as const))('%s', async (id, c) => {
      const run = await runDecode(caseArgs(c as unknown as CorpusCase, 'wmbus'), { bytewise });
      const gap = GAPS[id];
      if (gap) {
        expect(run.lines.map((l) => l.error?.kind)).toEqual([gap.kind]);
        expect(run.code).toBe(1);
        return;
      }
      expect(checkWmbus(c, run.lines)).toEqual([]);
      expect(run.lines.every((l) => l.protocol === 'wmbus')).toBe(true);
      expect(run.code).toBe(0);
    });
  });
});
