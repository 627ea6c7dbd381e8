import { describe, expect, it } from 'vitest';
import { harmonize, type Reading } from '../../../shared/profile/harmonize.ts';
import { roundValue } from '../../../shared/profile/units.ts';
import { mbusMessage, obisMessage, record, telegram } from './messages.ts';

const T = 1_700_000_000;

function byTopic(readings: Reading[]): Record<string, Reading> {
  return Object.fromEntries(readings.map((r) => [r.topic, r]));
}

describe('harmonize: DSMR / DLMS values', () => {
  const dsmr5 = telegram([
    ['1-0:1.8.1', 1234.567, 'kWh'],
    ['1-0:1.8.2', 2000.001, 'kWh'],
    ['1-0:2.8.1', 10, 'kWh'],
    ['1-0:2.8.2', 0.5, 'kWh'],
    ['1-0:1.7.0', 0.338, 'kW'],
    ['1-0:2.7.0', 0, 'kW'],
    ['1-0:32.7.0', 229.9, 'V'],
    ['1-0:31.7.0', 1, 'A'],
    ['0-0:96.14.0', '0001', null],
  ]);

  it('converts kW to W and kWh to Wh without float noise, keeping the source register', () => {
    const r = byTopic(harmonize(dsmr5));
    expect(r['power/power_in']).toEqual({
      quantity: 'power_in',
      topic: 'power/power_in',
      value: 338,
      unit: 'W',
      obis: '1-0:1.7.0',
      timestamp: T,
    });
    expect(r['energy/energy_in_t1']?.value).toBe(1234567);
    expect(r['voltage/voltage_l1']).toMatchObject({ value: 229.9, unit: 'V' });
  });

  it('publishes reactive energy per tariff, as Swiss E450 and E570 pushes send it', () => {
    const e450 = telegram([
      ['1-0:3.8.1', 1200, 'varh'],
      ['1-0:3.8.2', 3400, 'varh'],
      ['1-0:4.8.1', 56, 'varh'],
      ['1-1:4.8.2', 78, 'varh'],
    ]);
    const r = byTopic(harmonize(e450));
    expect(r['reactive_energy/reactive_energy_in_t1']).toMatchObject({ value: 1200, unit: 'varh', obis: '1-0:3.8.1' });
    expect(r['reactive_energy/reactive_energy_in_t2']?.value).toBe(3400);
    expect(r['reactive_energy/reactive_energy_out_t1']?.value).toBe(56);
    expect(r['reactive_energy/reactive_energy_out_t2']).toMatchObject({ value: 78, obis: '1-1:4.8.2' });
  });

  it('sums the tariff registers into the total when the meter sends no total (DSMR), without an obis', () => {
    const r = byTopic(harmonize(dsmr5));
    expect(r['energy/energy_in']).toEqual({
      quantity: 'energy_in',
      topic: 'energy/energy_in',
      value: 3234568,
      unit: 'Wh',
      timestamp: T,
    });
    expect(r['energy/energy_out']?.value).toBe(10500);
  });

  it('publishes no total whose sum overflows', () => {
    const r = byTopic(
      harmonize(
        telegram([
          ['1-0:1.8.1', 1e308, 'Wh'],
          ['1-0:1.8.2', 1e308, 'Wh'],
        ]),
      ),
    );
    expect(r['energy/energy_in_t1']?.value).toBe(1e308);
    expect(r['energy/energy_in']).toBeUndefined();
  });

  it('takes the total from the total register when there is one', () => {
    const r = byTopic(
      harmonize(
        telegram([
          ['1-0:1.8.0', 100, 'kWh'],
          ['1-0:1.8.1', 30, 'kWh'],
          ['1-0:1.8.2', 60, 'kWh'],
        ]),
      ),
    );
    expect(r['energy/energy_in']).toMatchObject({ value: 100000, obis: '1-0:1.8.0' });
  });

  it('publishes nothing the table does not know, and no strings', () => {
    const readings = harmonize(dsmr5);
    expect(readings.map((r) => r.quantity)).not.toContain(undefined);
    expect(readings.every((r) => typeof r.value === 'number')).toBe(true);
    expect(
      harmonize(
        telegram([
          ['0-0:96.14.0', '0001', null],
          ['1-0:99.97.0', 3, null],
          ['1-0:1.7.0', 'n/a', 'kW'],
        ]),
      ),
    ).toEqual([]);
  });

  it('ignores historical values (F != 255) and accepts the Kamstrup channel B = 1', () => {
    const r = byTopic(
      harmonize(
        telegram([
          ['1-0:1.8.0*101', 5, 'kWh'],
          ['1-1:1.8.0', 7, 'kWh'],
        ]),
      ),
    );
    expect(r['energy/energy_in']).toMatchObject({ value: 7000, obis: '1-1:1.8.0' });
  });

  it('drops a physical value that states no unit (its scale is unknown) but keeps a dimensionless power factor', () => {
    const r = byTopic(
      harmonize(
        telegram([
          ['1-0:31.7.0', 57, null],
          ['1-0:13.7.0', 0.95, null],
          ['1-0:33.7.0', 95, null],
        ]),
      ),
    );
    expect(r['current/current_l1']).toBeUndefined();
    expect(r['power_factor/power_factor']).toMatchObject({ value: 0.95, unit: '' });
    expect(r['power_factor/power_factor_l1']).toBeUndefined(); // an unscaled raw 95 is no power factor
  });

  it('converts reactive, apparent and frequency units', () => {
    const r = byTopic(
      harmonize(
        telegram([
          ['1-0:3.8.0', 1.5, 'kvarh'],
          ['1-0:5.7.0', 0.2, 'kvar'],
          ['1-0:9.7.0', 1, 'kVA'],
          ['1-0:14.7.0', 50.01, 'Hz'],
        ]),
      ),
    );
    expect(r['reactive_energy/reactive_energy_in']?.value).toBe(1500);
    expect(r['reactive_power/reactive_power_q1']?.value).toBe(200);
    expect(r['apparent_power/apparent_power_in']?.value).toBe(1000);
    expect(r['frequency/frequency']).toMatchObject({ value: 50.01, unit: 'Hz' });
  });
});

describe('harmonize: sign convention (import and export >= 0)', () => {
  it('splits a signed sum register (16.7.0) when the meter sends no 1.7.0/2.7.0', () => {
    const r = byTopic(
      harmonize(
        telegram([
          ['1-0:16.7.0', -1.5, 'kW'],
          ['1-0:36.7.0', 0.2, 'kW'],
        ]),
      ),
    );
    expect(r['power/power_in']).toMatchObject({ value: 0, obis: '1-0:16.7.0' });
    expect(r['power/power_out']).toMatchObject({ value: 1500, obis: '1-0:16.7.0' });
    expect(r['power/power_in_l1']?.value).toBe(200);
    expect(r['power/power_out_l1']?.value).toBe(0);
  });

  it('publishes nothing from values that overflow in conversion', () => {
    expect(
      harmonize(
        telegram([
          ['1-0:16.7.0', 1e308, 'kW'],
          ['0-1:24.1.0', 4, null],
          ['0-1:24.2.1', 1e308, 'GJ'],
        ]),
      ),
    ).toEqual([]);
  });

  it('prefers the import/export registers over the signed one', () => {
    const r = byTopic(
      harmonize(
        telegram([
          ['1-0:1.7.0', 0.1, 'kW'],
          ['1-0:2.7.0', 0, 'kW'],
          ['1-0:16.7.0', -9, 'kW'],
        ]),
      ),
    );
    expect(r['power/power_in']?.value).toBe(100);
    expect(r['power/power_out']?.value).toBe(0);
  });

  it('reads a negative 1.7.0 without a 2.7.0 as export (meters that sign 1.7.0)', () => {
    const r = byTopic(harmonize(telegram([['1-0:1.7.0', -557.29, 'W']])));
    expect(r['power/power_in']?.value).toBe(0);
    expect(r['power/power_out']?.value).toBe(557.29);
  });
});

describe('harmonize: DSMR sub-meters', () => {
  const gasAt = 1_699_999_700;
  const twoMeters = (gasType: number, waterType: number) =>
    obisMessage([
      { obis: '0-1:24.1.0', value: gasType, unit: null },
      { obis: '0-1:24.2.1', value: 246.138, unit: 'm3', timestamp: gasAt },
      { obis: '0-2:24.1.0', value: String(waterType).padStart(3, '0'), unit: null },
      { obis: '0-2:24.2.1', value: 8.579, unit: 'm3', timestamp: gasAt - 60 },
    ]);

  it('publishes each channel by its device type, with its own capture time', () => {
    const r = byTopic(harmonize(twoMeters(3, 7)));
    expect(r['gas/gas_volume']).toEqual({
      quantity: 'gas_volume',
      topic: 'gas/gas_volume',
      value: 246.138,
      unit: 'm3',
      obis: '0-1:24.2.1',
      timestamp: gasAt,
    });
    expect(r['water/water_volume']).toMatchObject({ value: 8.579, timestamp: gasAt - 60 });
  });

  it('tells gas from water by the device type, not the channel', () => {
    const r = byTopic(harmonize(twoMeters(7, 3)));
    expect(r['water/water_volume']?.value).toBe(246.138);
    expect(r['gas/gas_volume']?.value).toBe(8.579);
  });

  it('gives a second meter of one kind its channel as a topic suffix', () => {
    expect(harmonize(twoMeters(3, 3)).map((r) => r.topic)).toEqual(['gas/gas_volume', 'gas/gas_volume_2']);
  });

  it('publishes no volume whose device type is unknown (gas and water look alike)', () => {
    expect(harmonize(obisMessage([{ obis: '0-1:24.2.1', value: 1, unit: 'm3' }]))).toEqual([]);
  });

  it('converts a DSMR heat meter from GJ to Wh, and reads the DSMR 2.2 gas register 24.3.0', () => {
    const heat = byTopic(
      harmonize(
        telegram([
          ['0-1:24.1.0', 4, null],
          ['0-1:24.2.1', 240.86, 'GJ'],
        ]),
      ),
    );
    expect(heat['heat/heat_energy']).toMatchObject({ value: 66905555.5556, unit: 'Wh' });
    const gas = byTopic(
      harmonize(
        telegram([
          ['0-1:24.1.0', 3, null],
          ['0-1:24.3.0', 1.001, 'm3'],
        ]),
      ),
    );
    expect(gas['gas/gas_volume']?.value).toBe(1.001);
  });
});

describe('harmonize: EN 13757-3 (M-Bus) meters', () => {
  it('maps a heat meter: J to Wh, temperatures, flow, and only current instantaneous records', () => {
    const heat = mbusMessage(
      'Heat: Outlet',
      [
        record('Energy', 3.6e9, 'J'),
        record('Energy', 1, 'Wh', { storage: 1 }),
        record('Volume', 1204.27, 'm3'),
        record('Volume', 917.69, 'm3', { subunit: 1 }),
        record('Power', 18511.9, 'W', { function: 'maximum' }),
        record('Power', 1200, 'W'),
        record('Volume flow', 0.000707, 'm3/h'),
        record('Flow temperature', 68.5, '°C'),
        record('Return temperature', 41.2, '°C'),
        record('Temperature difference', 27.3, 'K'),
        record('Fabrication No', '1234', null),
      ],
      { timestamp: T },
    );
    expect(harmonize(heat)).toEqual([
      { quantity: 'heat_energy', topic: 'heat/heat_energy', value: 1e6, unit: 'Wh', timestamp: T },
      { quantity: 'heat_volume', topic: 'heat/heat_volume', value: 1204.27, unit: 'm3', timestamp: T },
      { quantity: 'heat_power', topic: 'heat/heat_power', value: 1200, unit: 'W', timestamp: T },
      { quantity: 'heat_flow', topic: 'heat/heat_flow', value: 0.000707, unit: 'm3/h', timestamp: T },
      { quantity: 'heat_flow_temperature', topic: 'heat/heat_flow_temperature', value: 68.5, unit: '°C', timestamp: T },
      {
        quantity: 'heat_return_temperature',
        topic: 'heat/heat_return_temperature',
        value: 41.2,
        unit: '°C',
        timestamp: T,
      },
      {
        quantity: 'heat_temperature_difference',
        topic: 'heat/heat_temperature_difference',
        value: 27.3,
        unit: 'K',
        timestamp: T,
      },
    ]);
  });

  it('publishes a gas volume at base or metering conditions, the base one when a meter sends both', () => {
    const base = record('Volume (at base conditions)', 6842.784, 'm3');
    const metering = record('Volume (at metering conditions)', 917, 'm3');
    const gas = (values: ReturnType<typeof record>[]) =>
      harmonize(mbusMessage('Gas', values)).map((r) => [r.topic, r.value]);
    expect(gas([base])).toEqual([['gas/gas_volume', 6842.784]]);
    expect(gas([metering])).toEqual([['gas/gas_volume', 917]]);
    expect(gas([metering, base])).toEqual([['gas/gas_volume', 6842.784]]);
    expect(gas([base, metering])).toEqual([['gas/gas_volume', 6842.784]]);
    // Base conditions are a gas notion: a water meter's volume stays the plain Volume record.
    expect(harmonize(mbusMessage('Cold water', [base]))).toEqual([]);
  });

  it('lets the medium decide between gas, water and hot water for the same Volume record', () => {
    const volume = [record('Volume', 28760.81, 'm3')];
    expect(harmonize(mbusMessage('Gas', volume))[0]?.topic).toBe('gas/gas_volume');
    expect(harmonize(mbusMessage('Cold water', volume))[0]?.topic).toBe('water/water_volume');
    expect(harmonize(mbusMessage('Warm water (30-90°C)', volume))[0]?.topic).toBe('water/hot_water_volume');
  });

  it('maps electricity tariff registers and sums them into energy_in; liters become m3', () => {
    const r = byTopic(
      harmonize(
        mbusMessage('Electricity', [
          record('Energy', 2930, 'Wh', { tariff: 1 }),
          record('Energy', 60, 'Wh', { tariff: 2 }),
        ]),
      ),
    );
    expect(r['energy/energy_in_t1']?.value).toBe(2930);
    expect(r['energy/energy_in']?.value).toBe(2990);
    expect(harmonize(mbusMessage('Water', [record('Volume', 31, 'l')]))[0]?.value).toBe(0.031);
  });

  it('publishes nothing for media the profile does not carry', () => {
    expect(harmonize(mbusMessage('Heat Cost Allocator', [record('H.C.A.', 12, 'HCA')]))).toEqual([]);
    expect(harmonize(mbusMessage('Breaker: Electricity', [record('Energy', 1, 'Wh')]))).toEqual([]);
  });
});

describe('roundValue', () => {
  it('removes binary float noise deterministically', () => {
    expect(roundValue(0.1 + 0.2)).toBe(0.3);
    expect(roundValue(0.338 * 1000)).toBe(338);
    expect(roundValue(-0)).toBe(0);
    expect(Object.is(roundValue(-1e-15 * 0), 0)).toBe(true);
    expect(roundValue(32549.5061662 * 1000)).toBe(32549506.1662);
  });
});

describe('harmonize: one message at a time', () => {
  it('never carries a value of one message into the next (its store is reused from call to call)', () => {
    const small = telegram([['1-0:1.7.0', 0.25, 'kW']]);
    const alone = harmonize(small);
    harmonize(
      obisMessage([
        { obis: '1-0:1.8.1', value: 10, unit: 'kWh' },
        { obis: '1-0:2.7.0', value: -1, unit: 'kW' },
        { obis: '0-1:24.1.0', value: 3, unit: null },
        { obis: '0-1:24.2.1', value: 1, unit: 'm3' },
        { obis: '0-2:24.1.0', value: 3, unit: null },
        { obis: '0-2:24.2.1', value: 2, unit: 'm3' },
      ]),
    );
    harmonize(mbusMessage('Heat', [record('Energy (Wh)', 5, 'Wh')]));
    expect(harmonize(small)).toEqual(alone);
    expect(alone.map((r) => r.topic)).toEqual(['power/power_in']);
  });
});
