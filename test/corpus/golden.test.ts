/**
 * Golden output: what `decode` prints for every corpus capture and every simulated wire meter, stored in
 * test/corpus/golden/. A rewrite of the decoders must keep it byte-identical; a deliberate change (a defect fixed)
 * updates the files with `npx vitest run test/corpus/golden.test.ts --project utc -u` and says why in its commit.
 * Meter clocks without an offset are read in one named zone, so both zone projects compare against the same files.
 */
import { describe, expect, it } from 'vitest';
import { toDecodeLine } from '../../shared/decode-line.ts';
import { createDecoder } from '../../shared/protocols/decode.ts';
import type { DecodeOutput } from '../../shared/protocols/types.ts';
import { Household, SIMULATED_METERS } from '../../shared/simulator/index.ts';
import { corpusAvailable, loadCorpus } from './manifest.ts';
import { caseArgs, runDecode } from './run-decode.ts';

const ZONE = 'Europe/Zurich';
const cases = loadCorpus();

describe.skipIf(!corpusAvailable)('golden decode output of the shared corpus', () => {
  it.each(['dsmr', 'dlms', 'mbus'] as const)('%s', async (protocol) => {
    const lines: string[] = [];
    for (const c of cases.filter((k) => k.protocol === protocol)) {
      const run = await runDecode(['--tz', ZONE, ...caseArgs(c)]);
      lines.push(`# ${c.id} exit ${run.code}`, ...run.lines.map((l) => JSON.stringify(l)));
    }
    await expect(lines.join('\n') + '\n').toMatchFileSnapshot(`golden/corpus-${protocol}.ndjson`);
  });
});

describe('golden decode output of the simulated meters', () => {
  const key = Uint8Array.from({ length: 16 }, (_, i) => i);
  const authKey = Uint8Array.from({ length: 16 }, (_, i) => 0xd0 + i);
  const START = Date.UTC(2026, 2, 29, 0, 30, 0) / 1000; // the night of the spring DST change in Zurich
  const wire = Object.entries(SIMULATED_METERS)
    .map(([model, make]) => [model, make({ key, authKey })] as const)
    .filter(([, meter]) => meter.kind === 'wire');

  it.each(wire)('%s', async (model, meter) => {
    if (meter.kind !== 'wire') return;
    const household = new Household(START, 7);
    const decoder = createDecoder(meter.protocol ?? 'auto', { key, authKey, timeZone: ZONE });
    const out: DecodeOutput[] = [];
    for (let i = 0; i < 4; i++) out.push(...decoder.push(meter.render(household.at(START + i * 3 * 3600), i)));
    out.push(...decoder.end());
    const text = out.map((o) => JSON.stringify(toDecodeLine(o))).join('\n') + '\n';
    await expect(text).toMatchFileSnapshot(`golden/simulated-${model}.ndjson`);
  });
});
