import { describe, expect, it } from 'vitest';
import { harmonize } from '../../../shared/profile/harmonize.ts';
import { haDeviceDiscovery } from '../../../shared/profile/home-assistant.ts';
import { meterInfoPayload } from '../../../shared/profile/payloads.ts';
import { obisMessage } from './messages.ts';

const message = obisMessage(
  [
    { obis: '1-0:1.8.1', value: 1, unit: 'kWh' },
    { obis: '1-0:1.8.2', value: 2, unit: 'kWh' },
    { obis: '1-0:2.8.1', value: 0, unit: 'kWh' },
    { obis: '1-0:1.7.0', value: 0.3, unit: 'kW' },
    { obis: '1-0:2.7.0', value: 0, unit: 'kW' },
    { obis: '1-0:13.7.0', value: 0.9, unit: null },
    { obis: '0-1:24.1.0', value: 3, unit: null },
    { obis: '0-1:24.2.1', value: 5, unit: 'm3' },
    { obis: '0-2:24.1.0', value: 3, unit: null },
    { obis: '0-2:24.2.1', value: 6, unit: 'm3' },
  ],
  { meterId: 'E0012345', info: { manufacturer: 'Iskra', model: 'AM550' } },
);
const meter = meterInfoPayload(message);
const readings = harmonize(message);
const origin = { name: 'Smartmeter Bridge', sw: '0.1.0' };

describe('Home Assistant device discovery', () => {
  const { topic, payload } = haDeviceDiscovery(meter, readings, { origin });

  it('publishes one device config with dev, origin and a sensor component per reading', () => {
    expect(topic).toBe('homeassistant/device/smartmeter_E0012345/config');
    expect(payload.dev).toEqual({
      ids: ['smartmeter_E0012345'],
      name: 'Iskra AM550 E0012345',
      mf: 'Iskra',
      mdl: 'AM550',
      sn: 'E0012345',
    });
    expect(payload.o).toEqual(origin);
    expect(Object.keys(payload.cmps)).toEqual(readings.map((r) => r.topic.split('/').pop()));
    for (const c of Object.values(payload.cmps)) {
      expect(c.p).toBe('sensor');
      expect(c.value_template).toBe('{{ value_json.value }}');
    }
  });

  it('needs both the bridge and the meter online', () => {
    expect(payload.availability).toEqual([
      { topic: 'smartmeter/bridge/status' },
      { topic: 'smartmeter/E0012345/status' },
    ]);
    expect(payload.availability_mode).toBe('all');
  });

  it('classes sensors so the Energy dashboard takes them unedited', () => {
    expect(payload.cmps.energy_in).toMatchObject({
      device_class: 'energy',
      state_class: 'total_increasing',
      unit_of_measurement: 'Wh',
      state_topic: 'smartmeter/E0012345/energy/energy_in',
    });
    expect(payload.cmps.energy_out_t1).toMatchObject({ device_class: 'energy', state_class: 'total_increasing' });
    expect(payload.cmps.power_in).toMatchObject({
      device_class: 'power',
      state_class: 'measurement',
      unit_of_measurement: 'W',
    });
    expect(payload.cmps.gas_volume).toMatchObject({
      device_class: 'gas',
      state_class: 'total_increasing',
      unit_of_measurement: 'm³',
    });
    expect(payload.cmps.gas_volume_2).toMatchObject({
      name: 'Gas volume (channel 2)',
      state_topic: 'smartmeter/E0012345/gas/gas_volume_2',
    });
    expect(payload.cmps.power_factor).not.toHaveProperty('unit_of_measurement');
  });

  it('keeps unique ids stable whatever order or subset of readings arrives', () => {
    const again = haDeviceDiscovery(meter, [...readings].reverse().slice(2), { origin }).payload;
    for (const [key, c] of Object.entries(again.cmps)) expect(c.unique_id).toBe(payload.cmps[key]!.unique_id);
    const ids = Object.values(payload.cmps).map((c) => c.unique_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(payload.cmps.energy_in!.unique_id).toBe('smartmeter_E0012345_energy_in');
  });

  it('follows a configured discovery prefix and base topic, and sanitises the node id', () => {
    const other = haDeviceDiscovery({ ...meter, meterId: 'a/b c' }, readings, {
      origin,
      discoveryPrefix: 'ha',
      baseTopic: 'home/meters',
    });
    expect(other.topic).toMatch(/^ha\/device\/home_meters-[0-9a-f]{8}_a_b_c-[0-9a-f]{8}\/config$/);
    expect(other.payload.availability[0]).toEqual({ topic: 'home/meters/bridge/status' });
    expect(other.payload.cmps.power_in!.state_topic).toMatch(/^home\/meters\/a_b_c-[0-9a-f]{8}\/power\/power_in$/);
  });

  it('keeps two bridges with their own base topics on one broker apart', () => {
    const first = haDeviceDiscovery(meter, readings, { origin, baseTopic: 'house' });
    const second = haDeviceDiscovery(meter, readings, { origin, baseTopic: 'garage' });
    expect(first.topic).not.toBe(second.topic);
    expect(first.payload.dev.ids).not.toEqual(second.payload.dev.ids);
    expect(first.payload.cmps.power_in!.unique_id).not.toBe(second.payload.cmps.power_in!.unique_id);
  });

  it("keeps the device's identity when an alias is set: the alias renames it and moves its topics only", () => {
    const plain = haDeviceDiscovery(meter, readings, { origin });
    const aliased = haDeviceDiscovery(meter, readings, { origin, alias: 'house' });
    expect(aliased.topic).toBe(plain.topic);
    expect(aliased.payload.dev).toMatchObject({ ids: plain.payload.dev.ids, sn: 'E0012345', name: 'house' });
    expect(aliased.payload.cmps.power_in!.unique_id).toBe(plain.payload.cmps.power_in!.unique_id);
    expect(aliased.payload.cmps.power_in!.state_topic).toBe('smartmeter/house/power/power_in');
    expect(aliased.payload.availability[1]).toEqual({ topic: 'smartmeter/house/status' });
  });
});

describe('Home Assistant discovery configuration', () => {
  it('refuses an unusable discovery prefix', () => {
    expect(() => haDeviceDiscovery(meter, readings, { origin, discoveryPrefix: 'home/#' })).toThrow(/discovery prefix/);
  });
});
