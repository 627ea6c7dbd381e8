/** What the UI prints: values always with their unit in the user's locale, quantity names, raw frames. */
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { formatValue } from '../../../renderer/src/format/format.ts';
import { quantityLabel } from '../../../renderer/src/format/quantity-label.ts';
import { rawForDisplay } from '../../../renderer/src/format/raw-frame.ts';
import { de } from '../../../renderer/src/i18n/locales/de.ts';
import { en } from '../../../renderer/src/i18n/locales/en.ts';
import { QUANTITIES } from '../../../shared/profile/index.ts';

const nbsp = '\u00a0';

describe('formatValue', () => {
  it('shows energy counters in kWh and power in W, grouped as the locale does, always with the unit', () => {
    expect(formatValue('en-US', 6_226_327, 'Wh')).toBe(`6,226.327${nbsp}kWh`);
    expect(formatValue('de-DE', 1193, 'W')).toBe(`1.193${nbsp}W`);
    expect(formatValue('fr-CH', 231.64, 'V')).toMatch(new RegExp(`^231,6${nbsp}V$`));
    expect(formatValue('en', 3321.501, 'm3')).toBe(`3,321.501${nbsp}m³`);
  });

  it('shows a unitless power factor as a bare number', () => {
    expect(formatValue('en', 0.98, '')).toBe('0.980');
  });
});

describe('quantityLabel', () => {
  const i18n = i18next.createInstance();
  void i18n.init({ resources: { en: { translation: en }, de: { translation: de } }, lng: 'en', initAsync: false });

  it('names every quantity of the profile, per phase, tariff and quadrant included', () => {
    const t = i18n.getFixedT('en');
    for (const q of QUANTITIES) expect(quantityLabel(t, q.id), q.id).not.toBe(q.id);
    expect(quantityLabel(t, 'power_in_l2')).toBe('Power import L2');
    expect(quantityLabel(t, 'energy_out_t1')).toBe('Energy export, tariff 1');
    expect(quantityLabel(t, 'reactive_power_q3')).toBe('Reactive power Q3');
  });

  it('speaks the chosen language and falls back to the id for an unknown quantity', () => {
    const t = i18n.getFixedT('de');
    expect(quantityLabel(t, 'energy_in_t2')).toBe('Energie Bezug, Tarif 2');
    expect(quantityLabel(t, 'future_quantity')).toBe('future_quantity');
  });
});

describe('rawForDisplay', () => {
  it('shows a DSMR telegram (sent as hex) as its text', () => {
    const hex = Array.from(new TextEncoder().encode('/KFM5\r\n\r\n1-0:1.8.1(001.000*kWh)\r\n!ABCD\r\n'))
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('');
    expect(rawForDisplay(hex)).toEqual({ text: '/KFM5\n\n1-0:1.8.1(001.000*kWh)\n!ABCD\n', binary: false });
  });

  it('shows a binary frame as spaced hex and a gateway payload as it came', () => {
    expect(rawForDisplay('7ea0a0cf0213')).toEqual({ text: '7e a0 a0 cf 02 13', binary: true });
    expect(rawForDisplay('{"SML":{"Power":12}}')).toEqual({ text: '{"SML":{"Power":12}}', binary: false });
  });
});
