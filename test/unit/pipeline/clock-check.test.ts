import { describe, expect, it } from 'vitest';
import { CLOCK_REPORT_INTERVAL_S, ClockCheck, quarterHourSkew } from '../../../electron/core/pipeline/clock-check.ts';

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
    check.check('35012345', NOW + 3600, NOW);
    const warning = check.report(NOW);
    expect(warning).toMatch(/^1 meter\(s\) with a clock off .*: 35012345 \(1 h ahead\)\./);
    expect(warning).toMatch(/set "timeZone" in the config/);
    check.check('35012345', NOW + 3600, NOW + 1);
    expect(check.report(NOW + CLOCK_REPORT_INTERVAL_S)).toBeUndefined();
    check.check('other', NOW - 3600, NOW);
    check.check('third', NOW + 2, NOW);
    check.check('fourth', undefined, NOW);
    expect(check.report(NOW + CLOCK_REPORT_INTERVAL_S, 'Europe/Zurich')).toMatch(
      /^1 meter\(s\) .*: other \(1 h behind\)\. .*"timeZone: Europe\/Zurich"/,
    );
  });

  it('reports 1,000 meters in the wrong zone as one line per interval, naming a few', () => {
    const check = new ClockCheck();
    const lines: string[] = [];
    const tick = (now: number) => {
      const line = check.report(now);
      if (line) lines.push(line);
    };
    for (let i = 0; i < 1000; i++) {
      check.check(`M${i}`, NOW + 3600 + i / 100, NOW + i / 100);
      tick(NOW + i / 100); // the service's 1 s tick, far more often than the interval
    }
    // The first meter at once; the other 999 within one interval in one line.
    tick(NOW + CLOCK_REPORT_INTERVAL_S);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^1 meter\(s\) .*: M0 \(1 h ahead\)\./);
    expect(lines[1]).toMatch(/^999 meter\(s\) .*: M1 \(1 h ahead\), M2 .*, M5 \(1 h ahead\) and 994 more\./);
    expect(lines[1]!.length).toBeLessThan(600);
    tick(NOW + 10 * CLOCK_REPORT_INTERVAL_S);
    expect(lines).toHaveLength(2);
  });
});
