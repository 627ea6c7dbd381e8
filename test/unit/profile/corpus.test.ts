/**
 * The quantity table against the real captures' expected values (../shared/corpus, read at run time, skipped when
 * absent): decoder output is rebuilt from the manifest's oracle values, so this checks the table and the unit
 * conversions, not a decoder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MbusMessage, ObisMessage, ObisValue } from '../../../shared/protocols/types.ts';
import { harmonize } from '../../../shared/profile/harmonize.ts';
import { QUANTITIES } from '../../../shared/profile/quantities.ts';
import { toProfileUnit } from '../../../shared/profile/units.ts';

const corpus = new URL('../../../../shared/corpus/', import.meta.url);
const manifestUrl = new URL('manifest.json', corpus);

interface Case {
  id: string;
  protocol: 'dsmr' | 'dlms' | 'mbus';
  expected: {
    outcome?: string;
    values?: (ObisValue & { raw?: number })[];
    perMessage?: { values: (ObisValue & { raw?: number })[] }[];
    device?: MbusMessage['device'];
    records?: MbusMessage['values'];
  };
}

/** The manifest carries libmbus' UTF-8 read as latin-1 (`Â°C`); decoders emit `°C`. */
const fixText = <T>(text: T): T => (typeof text === 'string' ? (text.replaceAll('Â°', '°') as T) : text);

const cases: Case[] = existsSync(manifestUrl) ? JSON.parse(readFileSync(manifestUrl, 'utf8')) : [];
const obisCases = cases.filter((c) => c.protocol !== 'mbus' && c.expected.outcome !== 'error');
const mbusCases = cases.filter((c) => c.protocol === 'mbus' && c.expected.device && c.expected.records);
const byObis = new Map(QUANTITIES.flatMap((q) => (q.obis ?? []).map((code) => [code, q] as const)));

function close(actual: number | undefined, expected: number): boolean {
  return actual !== undefined && Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected));
}

/** Values the table must publish as they are: a known register with a unit, positive, scaled by the meter itself. */
function expectedReadings(
  values: (ObisValue & { raw?: number })[],
): { quantity: string; value: number; obis: string }[] {
  const seen = new Set<string>();
  return values.flatMap((v) => {
    const match = /^1-\d+:(\d+\.\d+\.\d+)$/.exec(v.obis ?? '');
    const quantity = match && byObis.get(match[1]!);
    const converted = typeof v.value === 'number' && v.raw === undefined ? toProfileUnit(v.value, v.unit) : null;
    if (!quantity || !converted || converted.unit !== quantity.unit || converted.value < 0 || seen.has(quantity.id))
      return [];
    const [min, max] = quantity.range ?? [-Infinity, Infinity];
    if (converted.value < min || converted.value > max) return [];
    seen.add(quantity.id);
    return [{ quantity: quantity.id, value: converted.value, obis: v.obis! }];
  });
}

describe.skipIf(cases.length === 0)('profile over the corpus oracle values', () => {
  it('publishes every known electricity register of the DSMR and DLMS captures, converted', () => {
    let checked = 0;
    for (const c of obisCases) {
      for (const values of c.expected.perMessage?.map((m) => m.values) ?? [c.expected.values ?? []]) {
        const message: ObisMessage = { protocol: c.protocol as 'dsmr' | 'dlms', values, info: {} };
        const readings = harmonize(message);
        for (const e of expectedReadings(values)) {
          const reading = readings.find((r) => r.quantity === e.quantity);
          expect(close(reading?.value, e.value), `${c.id} ${e.obis}: ${reading?.value} vs ${e.value}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('derives energy_in for every capture that sends only tariff registers', () => {
    const onlyTariffs = obisCases.filter((c) => {
      const codes = (c.expected.values ?? []).map((v) => v.obis);
      return codes.includes('1-0:1.8.1') && !codes.includes('1-0:1.8.0');
    });
    expect(onlyTariffs.length).toBeGreaterThan(5);
    for (const c of onlyTariffs) {
      const readings = harmonize({ protocol: 'dsmr', values: c.expected.values!, info: {} });
      const parts = readings.filter((r) => /^energy_in_t\d$/.test(r.quantity)).reduce((sum, r) => sum + r.value, 0);
      expect(readings.find((r) => r.quantity === 'energy_in')?.value, c.id).toBeCloseTo(parts, 3);
    }
  });

  it('publishes M-Bus readings only from current instantaneous records of the meter', () => {
    let withReadings = 0;
    for (const c of mbusCases) {
      const device = { ...c.expected.device!, medium: fixText(c.expected.device!.medium) };
      const records = c.expected.records!.map((r) => ({ ...r, unit: fixText(r.unit) }));
      const readings = harmonize({ protocol: 'mbus', meterId: device.id, device, values: records, info: {} });
      if (readings.length > 0) withReadings++;
      for (const reading of readings.filter((r) => r.quantity !== 'energy_in')) {
        const source = records.find((r) => {
          const converted = typeof r.value === 'number' ? toProfileUnit(r.value, r.unit) : null;
          return (
            r.function === 'instantaneous' &&
            r.storage === 0 &&
            r.subunit === 0 &&
            close(reading.value, converted?.value ?? NaN)
          );
        });
        expect(source, `${c.id} ${reading.topic}`).toBeDefined();
      }
    }
    expect(withReadings).toBeGreaterThan(30);
  });
});
