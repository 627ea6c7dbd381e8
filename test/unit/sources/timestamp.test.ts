import { describe, expect, it } from 'vitest';
import { parseIsoDateTime } from '../../../shared/sources/timestamp.ts';
import { timeZoneError } from '../../../shared/time.ts';

describe('ISO date-times', () => {
  it('reads offsets, Z, fractions and a space separator', () => {
    const t = Date.UTC(2024, 4, 1, 10, 0, 5) / 1000;
    expect(parseIsoDateTime('2024-05-01T10:00:05Z', 'Europe/Zurich')).toBe(t);
    expect(parseIsoDateTime('2024-05-01T12:00:05+02:00', 'UTC')).toBe(t);
    expect(parseIsoDateTime('2024-05-01T07:00:05-0300', 'UTC')).toBe(t);
    expect(parseIsoDateTime('2024-05-01 10:00:05.987', 'UTC')).toBe(t);
    expect(parseIsoDateTime('2024-05-01T12:00:05', 'Europe/Zurich')).toBe(t);
  });

  it('reads the repeated autumn hour as its first occurrence, like the wire decoders', () => {
    // 2024-10-27 02:30 happens twice in Zurich; the CEST one (UTC 00:30) is taken.
    expect(parseIsoDateTime('2024-10-27T02:30:00', 'Europe/Zurich')).toBe(Date.UTC(2024, 9, 27, 0, 30) / 1000);
  });

  it('refuses what is no date-time or no real date', () => {
    for (const text of [
      '',
      '2024-05-01',
      '2024-13-01T00:00:00',
      '2023-02-29T00:00:00',
      '2024-05-01T24:00:00',
      '2024-05-01T10:60:00',
      '2024-05-01T10:00:05+25:00',
      '2024-05-01T10:00:05+02:75',
      'T10:00:05',
      '1714557605',
    ]) {
      expect([text, parseIsoDateTime(text, 'UTC')]).toEqual([text, undefined]);
    }
    expect(parseIsoDateTime('2024-02-29T00:00:00', 'UTC')).toBe(Date.UTC(2024, 1, 29) / 1000);
  });
});

describe('time zone check', () => {
  it('accepts IANA names and says what is wrong with others', () => {
    expect(timeZoneError('Europe/Zurich')).toBeUndefined();
    expect(timeZoneError('UTC')).toBeUndefined();
    expect(timeZoneError('CEST+2')).toMatch(/expected an IANA name/);
  });
});
