import { describe, expect, it } from 'vitest';
import { formatDsmrTime, parseDsmrTime } from '../../../shared/protocols/dsmr/index.ts';

describe('DSMR date-times', () => {
  it('reads S as UTC+2 and W as UTC+1', () => {
    expect(parseDsmrTime('200426223325S')).toBe(Date.UTC(2020, 3, 26, 20, 33, 25) / 1000);
    expect(parseDsmrTime('161113205757W')).toBe(Date.UTC(2016, 10, 13, 19, 57, 57) / 1000);
  });

  it('reads a lowercase flag as its uppercase (Landis+Gyr E350 DSMR 4.0)', () => {
    expect(parseDsmrTime('150701190000s')).toBe(Date.UTC(2015, 6, 1, 17, 0, 0) / 1000);
    expect(parseDsmrTime('151201190000w')).toBe(Date.UTC(2015, 11, 1, 18, 0, 0) / 1000);
  });

  it('reads a clock without S/W in the zone it is given', () => {
    const cet = Date.UTC(2016, 10, 7, 18, 0, 0) / 1000; // 19:00 CET
    expect(parseDsmrTime('161107190000', 'Europe/Amsterdam')).toBe(cet);
    expect(parseDsmrTime('161107190000', 'UTC')).toBe(cet + 3600);
  });

  it('reads an unset M-Bus clock as the Unix epoch, not 2070', () => {
    expect(parseDsmrTime('700101010000W')).toBe(0);
  });

  it('rejects impossible dates and other shapes', () => {
    for (const text of ['632525252525W', '230230120000W', '231301000000S', '2304011200W', '23040112000X', '']) {
      expect(parseDsmrTime(text)).toBeNull();
    }
  });

  it('formats with the flag the Dutch zone has at that instant, and reads back the same instant', () => {
    const summer = Date.UTC(2020, 3, 26, 20, 33, 25) / 1000;
    const winter = Date.UTC(2016, 10, 13, 19, 57, 57) / 1000;
    expect(formatDsmrTime(summer)).toBe('200426223325S');
    expect(formatDsmrTime(winter)).toBe('161113205757W');
    expect(parseDsmrTime(formatDsmrTime(winter))).toBe(winter);
  });
});
