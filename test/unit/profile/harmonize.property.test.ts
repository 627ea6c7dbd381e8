import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecodedMessage, MbusRecord, ObisValue } from '../../../shared/protocols/types.ts';
import { harmonize } from '../../../shared/profile/harmonize.ts';
import { MEDIA, QUANTITIES } from '../../../shared/profile/quantities.ts';
import { PROFILE_UNITS } from '../../../shared/profile/units.ts';

const knownCodes = QUANTITIES.flatMap((q) => q.obis ?? []).flatMap((code) => [`1-0:${code}`, `1-1:${code}`]);
const obis = fc.oneof(
  fc.constantFrom(...knownCodes, '1-0:16.7.0', '0-1:24.1.0', '0-1:24.2.1', '0-2:24.2.3', '0-3:24.3.0', '1-0:1.8.0*101'),
  fc.string(),
  fc.constant(null),
);
const unit = fc.oneof(
  fc.constantFrom('kW', 'W', 'kWh', 'Wh', 'GJ', 'm3', 'l', 'V', 'A', 'kvar', '%', '°C', 'mW', ''),
  fc.string(),
  fc.constant(null),
);
const number = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e308, 3, 7, 4));
const value = fc.oneof(number, fc.string());
const timestamp = fc.option(fc.oneof(fc.double(), fc.integer()), { nil: undefined });

const obisValue: fc.Arbitrary<ObisValue> = fc.record(
  { obis, value, unit, timestamp },
  { requiredKeys: ['obis', 'value', 'unit'] },
);
const mbusRecord: fc.Arbitrary<MbusRecord> = fc.record({
  record: fc.nat(),
  function: fc.constantFrom('instantaneous', 'maximum', 'error', 'manufacturer-specific'),
  storage: fc.constantFrom(0, 1, 2),
  tariff: fc.constantFrom(0, 1, 2, 3),
  subunit: fc.constantFrom(0, 1),
  quantity: fc.oneof(
    fc.constantFrom('Energy', 'Volume', 'Power', 'Volume flow', 'Flow temperature', 'Temperature difference'),
    fc.string(),
  ),
  unit,
  value,
});

const message: fc.Arbitrary<DecodedMessage> = fc.oneof(
  fc.record({
    protocol: fc.constantFrom('dsmr' as const, 'dlms' as const, 'mqtt' as const),
    meterId: fc.option(fc.string(), { nil: undefined }),
    timestamp,
    values: fc.array(obisValue, { maxLength: 40 }),
    info: fc.constant({}),
  }),
  fc.record({
    protocol: fc.constant('mbus' as const),
    meterId: fc.string(),
    timestamp,
    device: fc.record({
      id: fc.string(),
      manufacturer: fc.string(),
      version: fc.nat(),
      medium: fc.oneof(fc.constantFrom(...MEDIA.flatMap((m) => m.names)), fc.string()),
      accessNumber: fc.nat(),
      status: fc.string(),
    }),
    values: fc.array(mbusRecord, { maxLength: 30 }),
    info: fc.constant({}),
  }),
);

describe('harmonize on arbitrary messages', () => {
  it('never throws, and publishes only finite numbers in profile units on unique topics', () => {
    fc.assert(
      fc.property(message, (m) => {
        const readings = harmonize(m);
        for (const r of readings) {
          expect(Number.isFinite(r.value)).toBe(true);
          expect(PROFILE_UNITS).toContain(r.unit);
          if (r.quantity.startsWith('power_') && r.unit === 'W') expect(r.value).toBeGreaterThanOrEqual(0);
        }
        expect(new Set(readings.map((r) => r.topic)).size).toBe(readings.length);
      }),
      { numRuns: 500 },
    );
  });
});
