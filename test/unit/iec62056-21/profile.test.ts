/** IEC 62056-21 readouts with shortened addresses, from the bytes through to the profile's topics. */
import { describe, expect, it } from 'vitest';
import { toDecodeLine } from '../../../shared/decode-line.ts';
import { createIecDecoder, encodeReadout } from '../../../shared/protocols/iec62056-21/index.ts';
import { fullObis } from '../../../shared/protocols/iec62056-21/full-obis.ts';

function readingsOf(bytes: Uint8Array) {
  const decoder = createIecDecoder();
  const [out, ...rest] = [...decoder.push(bytes), ...decoder.end()];
  expect(rest).toEqual([]);
  const line = toDecodeLine(out!);
  if ('error' in line) throw new Error(line.error.message);
  return line;
}

describe('IEC 62056-21 addresses in the profile', () => {
  it('publishes a mode D readout with short codes: energy, tariffs, power, voltage and current', () => {
    const line = readingsOf(
      encodeReadout({
        identification: 'LGZ4ZMF100AC.M27',
        sets: [
          ['F.F', '00'],
          ['C.1.0', '18438636'],
          ['0.9.1', '21:35:07'],
          ['1.8.0', '001846.0', 'kWh'],
          ['1.8.1', '001000.5', 'kWh'],
          ['2.8.0', '004329.6', 'kWh'],
          ['1.7.0', '00.49', 'kW'],
          ['32.7', '233', 'V'],
          ['31.7.0', '+000.8', 'A'],
        ],
      }),
    );
    expect(line.meterId).toBe('18438636');
    // Values keep the meter's spelling; the readings name the full code.
    expect(line.values.map((v) => ('obis' in v ? v.obis : null))).toContain('1.8.0');
    expect(line.readings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          topic: 'smartmeter/18438636/energy/energy_in',
          value: 1_846_000,
          unit: 'Wh',
          obis: '1-0:1.8.0',
        }),
        expect.objectContaining({ quantity: 'energy_in_t1', value: 1_000_500, obis: '1-0:1.8.1' }),
        expect.objectContaining({ quantity: 'energy_out', value: 4_329_600 }),
        expect.objectContaining({ quantity: 'power_in', value: 490, unit: 'W', obis: '1-0:1.7.0' }),
        expect.objectContaining({ quantity: 'voltage_l1', value: 233, unit: 'V', obis: '1-0:32.7.0' }),
        expect.objectContaining({ quantity: 'current_l1', value: 0.8, unit: 'A' }),
      ]),
    );
  });

  it('reads full codes with a letter group and a historical F, and the serial under its full code', () => {
    const line = readingsOf(
      encodeReadout({
        identification: 'ISk5MT174-0001',
        sets: [
          ['0-0:C.1.0*255', '63355730'],
          ['1-0:1.8.0*255', '0008048.375', 'kWh'],
          ['1-0:1.8.0*01', '0007000.000', 'kWh'],
        ],
        stx: true,
      }),
    );
    // The serial under its full code names the meter; the billing-period value (*01) is history, not published.
    expect(line.meterId).toBe('63355730');
    expect(line.readings.filter((r) => r.quantity === 'energy_in')).toEqual([
      expect.objectContaining({ value: 8_048_375, obis: '1-0:1.8.0' }),
    ]);
  });

  it('expands the shortened forms as IEC 62056-61 gives them', () => {
    expect(fullObis('1.8.0')).toBe('1-0:1.8.0');
    expect(fullObis('32.7')).toBe('1-0:32.7.0');
    expect(fullObis('C.1.0')).toBe('1-0:96.1.0');
    expect(fullObis('F.F')).toBe('1-0:97.97.0');
    expect(fullObis('0-0:C.1.0*255')).toBe('0-0:96.1.0');
    expect(fullObis('1-0:1.8.1*07')).toBe('1-0:1.8.1*7');
    expect(fullObis('1.8.1&01')).toBe('1-0:1.8.1*1');
    expect(fullObis(' 0.0.0 ')).toBe('1-0:0.0.0');
    for (const junk of ['', 'F', '1.8.0.0.0', 'X.1', '256.1.0', '1.8.0*', 'Y\x02\x02'])
      expect(fullObis(junk)).toBeNull();
  });
});
