import { describe, expect, it } from 'vitest';
import { civilToUnix, systemTimeZone, timeZoneError, zonedToUnix, zoneOffsetMinutes } from '../../../shared/time.ts';

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

describe('zone offsets', () => {
  it('agree with Intl at every minute around a DST change, also when asked twice (cached)', () => {
    const change = Date.UTC(2024, 2, 31, 1, 0, 0) / 1000; // 03:00 CEST
    for (let pass = 0; pass < 2; pass++) {
      for (let s = change - 1800; s < change + 1800; s += 60) {
        const expected = s < change ? 60 : 120;
        expect(zoneOffsetMinutes(s, 'Europe/Zurich'), iso(s)).toBe(expected);
      }
    }
  });

  it('keep a change that is off the quarter hour (Monrovia, 1972: from -00:44:30 to UTC)', () => {
    const change = Date.UTC(1972, 0, 7, 0, 44, 30) / 1000;
    for (const s of [change - 60, change - 1, change, change + 60]) {
      expect(zoneOffsetMinutes(s, 'Africa/Monrovia'), iso(s)).toBe(offsetByIntl(s, 'Africa/Monrovia'));
    }
    expect(offsetByIntl(change - 60, 'Africa/Monrovia')).not.toBe(offsetByIntl(change + 60, 'Africa/Monrovia'));
  });

  it('say once and for all which zones the system does not know', () => {
    expect(timeZoneError('Europe/Zurich')).toBeUndefined();
    expect(timeZoneError('Mars/Olympus')).toMatch(/not a time zone/);
    expect(timeZoneError('Mars/Olympus')).toMatch(/not a time zone/);
    expect(systemTimeZone()).toBe(process.env.TZ);
  });
});

/** The offset computed independently: the zone's wall clock, read back as if it were UTC. */
function offsetByIntl(unixSeconds: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    ...{ year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' },
  }).formatToParts(new Date(unixSeconds * 1000));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) / 1000;
  return Math.round((wall - unixSeconds) / 60);
}
