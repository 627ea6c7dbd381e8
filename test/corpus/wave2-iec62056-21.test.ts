/**
 * The 10 IEC 62056-21 readouts in ../shared/corpus/manifest-wave2.json (Siemens, Landis+Gyr, Elster, Actaris, Iskra,
 * Itron) decode to the values their oracles asserted, through the real `decode --protocol iec62056-21`, whole and one
 * byte at a time. Auto-detection is not checked: a mode D readout is also a valid DSMR 2.2 telegram.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fullObis } from '../../shared/protocols/iec62056-21/full-obis.ts';
import { checkCase } from './expectations.ts';
import { CORPUS_DIR, type CorpusCase } from './manifest.ts';
import { caseArgs, runDecode } from './run-decode.ts';

const MANIFEST = `${CORPUS_DIR}manifest-wave2.json`;
const available = existsSync(MANIFEST);
const cases = available
  ? (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { protocol: string }[]).filter((c) => c.protocol === 'iec62056-21')
  : [];
// checkCase reads IEC 62056-21 cases as it reads DSMR ones: values with OBIS, value and unit.
const iecCases = cases as unknown as CorpusCase[];

describe.skipIf(!available)('wave 2 corpus: IEC 62056-21 through `decode`', () => {
  it('holds the 10 IEC 62056-21 readouts', () => {
    expect(iecCases).toHaveLength(10);
  });

  const modes = [
    { name: '--protocol iec62056-21', protocol: 'iec62056-21', bytewise: false },
    { name: 'one byte at a time', protocol: 'iec62056-21', bytewise: true },
  ];
  describe.each(modes)('$name', ({ protocol, bytewise }) => {
    it.each(iecCases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
      const run = await runDecode(caseArgs(c, protocol), { bytewise });
      expect(checkCase(c, run.lines)).toEqual([]);
      expect(run.lines.filter((l) => !l.error).every((l) => l.protocol === 'iec62056-21')).toBe(true);
      expect(run.code).toBe(run.lines.some((l) => l.error) ? 1 : 0);
    });
  });

  // Short addresses (`1.8.0`) and full ones (`1-0:1.8.0*255`) both reach the profile: the import register in kWh is
  // published as energy_in in Wh.
  it.each(iecCases.map((c) => [c.id, c] as const))('%s: 1.8.0 in kWh is energy_in', async (_id, c) => {
    const run = await runDecode(caseArgs(c, 'iec62056-21'));
    for (const line of run.lines.filter((l) => !l.error)) {
      const imported = line.values?.find((v) => v.obis && fullObis(v.obis) === '1-0:1.8.0' && v.unit === 'kWh');
      if (!imported) continue;
      const published = line.readings?.find((r) => r.quantity === 'energy_in');
      expect(published).toMatchObject({ value: Number(imported.value) * 1000, unit: 'Wh', obis: '1-0:1.8.0' });
    }
  });
});
