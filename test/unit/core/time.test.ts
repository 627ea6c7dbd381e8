import { describe, expect, it } from 'vitest';
import { civilToUnix, zonedToUnix } from '../../../shared/time.ts';

const iso = (unix: number) => new Date(unix * 1000).toISOString();
const t = (year: number, month: number, day: number, hour: number, minute = 0) => ({
  year,
  month,
  day,
  hour,
  minute,
  second: 0,
});

describe('meter clocks', () => {
  it('applies a fixed offset (DSMR S/W flag)', () => {
    expect(iso(civilToUnix(t(2020, 4, 26, 22, 33), 120))).toBe('2020-04-26T20:33:00.000Z');
    expect(iso(civilToUnix(t(2019, 3, 26, 9, 50), 60))).toBe('2019-03-26T08:50:00.000Z');
  });

  it('reads offset-less clocks in the configured zone, summer and winter', () => {
    expect(iso(zonedToUnix(t(2024, 7, 1, 12), 'Europe/Zurich'))).toBe('2024-07-01T10:00:00.000Z');
    expect(iso(zonedToUnix(t(2024, 1, 1, 12), 'Europe/Zurich'))).toBe('2024-01-01T11:00:00.000Z');
    expect(iso(zonedToUnix(t(2024, 1, 1, 12), 'UTC'))).toBe('2024-01-01T12:00:00.000Z');
  });

  it('takes the earlier instant in the repeated autumn hour and the old offset in the skipped spring hour', () => {
    expect(iso(zonedToUnix(t(2024, 10, 27, 2, 30), 'Europe/Zurich'))).toBe('2024-10-27T00:30:00.000Z');
    expect(iso(zonedToUnix(t(2024, 3, 31, 2, 30), 'Europe/Zurich'))).toBe('2024-03-31T01:30:00.000Z');
  });
});
