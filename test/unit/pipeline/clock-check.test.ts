import { describe, expect, it } from 'vitest';
import { ClockCheck, quarterHourSkew } from '../../../electron/core/pipeline/clock-check.ts';

const NOW = 1_780_000_000;

describe('meter clock against the receive time', () => {
  it('sees whole quarter hours (a zone mix-up), not drift or a late message', () => {
    expect(quarterHourSkew(NOW + 3600, NOW)).toBe(60); // a Swiss clock read as UTC in summer... or the reverse
    expect(quarterHourSkew(NOW - 7200 + 40, NOW)).toBe(-120);
    expect(quarterHourSkew(NOW + 5 * 3600 + 45 * 60, NOW)).toBe(345); // Nepal
    expect(quarterHourSkew(NOW + 30, NOW)).toBeUndefined();
    expect(quarterHourSkew(NOW + 600, NOW)).toBeUndefined();
    expect(quarterHourSkew(NOW + 3600 + 400, NOW)).toBeUndefined();
    expect(quarterHourSkew(NOW + 40 * 86400, NOW)).toBeUndefined(); // a wrong clock, not a zone
  });

  it('warns once per meter, naming the setting that fixes it', () => {
    const check = new ClockCheck();
    const warning = check.check('35012345', NOW + 3600, NOW);
    expect(warning).toMatch(/meter 35012345: its clock is 1 h ahead of/);
    expect(warning).toMatch(/set "timeZone" in the config/);
    expect(check.check('35012345', NOW + 3600, NOW + 1)).toBeUndefined();
    expect(check.check('other', NOW - 3600, NOW, 'Europe/Zurich')).toMatch(/1 h behind .*"timeZone: Europe\/Zurich"/);
    expect(check.check('third', NOW + 2, NOW)).toBeUndefined();
    expect(check.check('fourth', undefined, NOW)).toBeUndefined();
  });
});
