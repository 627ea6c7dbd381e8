import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DSMR_SUBMETER, MEDIA, QUANTITIES, SIGNED_POWER } from '../../../shared/profile/quantities.ts';
import { PROFILE_UNITS } from '../../../shared/profile/units.ts';

const ids = QUANTITIES.map((q) => q.id);
const byId = new Map(QUANTITIES.map((q) => [q.id, q]));

describe('quantity table', () => {
  it('has unique ids and topics, each topic `<group>/<id>` in snake_case', () => {
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(QUANTITIES.map((q) => q.topic)).size).toBe(QUANTITIES.length);
    for (const q of QUANTITIES) expect(q.topic).toMatch(new RegExp(`^[a-z_]+/${q.id}$`));
  });

  it('keeps the plug-test topic names', () => {
    expect(QUANTITIES.slice(0, 2).map((q) => q.topic)).toEqual(['power/power_in', 'power/power_out']);
    expect(byId.get('energy_in')?.topic).toBe('energy/energy_in');
    expect(byId.get('energy_out')?.topic).toBe('energy/energy_out');
  });

  it('gives every quantity a profile unit, a label and a meaning', () => {
    for (const q of QUANTITIES) {
      expect(PROFILE_UNITS, q.id).toContain(q.unit);
      expect(q.label.length, q.id).toBeGreaterThan(0);
      expect(q.meaning.length, q.id).toBeGreaterThan(0);
    }
  });

  it('maps every OBIS code to exactly one quantity or signed rule', () => {
    const codes = [...QUANTITIES.flatMap((q) => q.obis ?? []), ...SIGNED_POWER.map((s) => s.obis)];
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^\d{1,3}\.\d{1,3}\.\d{1,3}$/);
    expect(byId.get('power_in')?.obis?.[0]).toBe('1.7.0');
    expect(byId.get('energy_in_t1')?.obis?.[0]).toBe('1.8.1');
  });

  it('feeds every sub-meter medium and unit from exactly one row, and every M-Bus record from one', () => {
    const submeter = QUANTITIES.filter((q) => q.dsmrSubmeter).map((q) => `${q.medium} ${q.unit}`);
    expect(new Set(submeter).size).toBe(submeter.length);
    const mbus = QUANTITIES.filter((q) => q.mbus).map((q) => `${q.medium} ${q.mbus!.vif} ${q.mbus!.tariff ?? 0}`);
    expect(new Set(mbus).size).toBe(mbus.length);
    expect(DSMR_SUBMETER.values).toContain('24.2.1');
  });

  it('sums totals only from quantities of the same unit, and splits signed power into existing W pairs', () => {
    for (const q of QUANTITIES.filter((row) => row.sumOf)) {
      for (const part of q.sumOf!) expect(byId.get(part)?.unit, part).toBe(q.unit);
    }
    // harmonize keeps one total per part
    const parts = QUANTITIES.flatMap((row) => row.sumOf ?? []);
    expect(new Set(parts).size).toBe(parts.length);
    for (const s of SIGNED_POWER) {
      expect(byId.get(s.positive)?.unit).toBe('W');
      expect(byId.get(s.negative)?.unit).toBe('W');
    }
  });

  it('classes counters total_increasing and instantaneous values measurement', () => {
    for (const q of QUANTITIES) {
      const counter = ['Wh', 'varh', 'VAh', 'm3'].includes(q.unit);
      expect(q.ha.stateClass, q.id).toBe(counter ? 'total_increasing' : 'measurement');
    }
    expect(byId.get('energy_in')?.ha.deviceClass).toBe('energy');
    expect(byId.get('gas_volume')?.ha.deviceClass).toBe('gas');
  });

  it('knows each medium code and name once', () => {
    const codes = MEDIA.map((m) => m.code);
    const names = MEDIA.flatMap((m) => m.names.map((n) => n.toLowerCase()));
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(names).size).toBe(names.length);
    expect(MEDIA.find((m) => m.code === 3)?.medium).toBe('gas');
    expect(MEDIA.find((m) => m.code === 7)?.medium).toBe('water');
  });
});

describe('docs/mqtt-profile.md', () => {
  const spec = readFileSync(new URL('../../../docs/mqtt-profile.md', import.meta.url), 'utf8');

  it('lists every quantity with its topic and unit', () => {
    for (const q of QUANTITIES) {
      const unit = q.unit === '' ? '(none)' : q.unit;
      const row = `| \`${q.topic}\` | ${unit} |`;
      expect(
        spec.split('\n').some((line) => line.replace(/ +/g, ' ').startsWith(row)),
        row,
      ).toBe(true);
    }
  });
});
