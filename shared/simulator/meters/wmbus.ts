/**
 * An OMS heat meter on wireless M-Bus (EN 13757-4 T1), as a USB receiver passes its telegrams on (from the L-field,
 * CRCs checked and stripped): energy, volume, power, flow and the two temperatures, AES-128 encrypted in OMS security
 * mode 5 with the key given. Its heat follows the household's gas use, like the wired M-Bus heat meter.
 */
import { encodeWmbusFrame } from '../../protocols/wmbus/encode.ts';
import type { HouseholdState } from '../household.ts';
import { LINE_8N1, type SimulationKeys, type WireMeter } from '../meter.ts';

/** kWh of heat per m³ of gas burnt, boiler losses included. */
const HEAT_PER_GAS = 9.5;

export function wmbusHeatMeter(keys: SimulationKeys): WireMeter {
  const { key } = keys;
  if (!key) throw new RangeError('wmbus-heat needs the meter key (--key)');
  const serial = '76543210';
  let last: HouseholdState | undefined;
  return {
    kind: 'wire',
    model: 'wmbus-heat',
    description: 'OMS heat meter on wireless M-Bus (T1, security mode 5), as a USB stick passes it on, every 120 s',
    interval: 120,
    lineSettings: LINE_8N1(9600),
    serial,
    encrypted: true,
    protocol: 'wmbus',
    render: (s: HouseholdState, sequence: number) => {
      const energyWh = s.gasVolume * HEAT_PER_GAS * 1000;
      const hours = last ? (s.time - last.time) / 3600 : 0;
      const powerW = last && hours > 0 ? ((s.gasVolume - last.gasVolume) * HEAT_PER_GAS * 1000) / hours : 0;
      last = s;
      const flowTemp = 45 + 10 * Math.min(1, powerW / 10000);
      return encodeWmbusFrame({
        address: { manufacturer: 'SMB', id: serial, version: 1, deviceType: 0x04 },
        accessNumber: sequence & 0xff,
        security: { mode: 5, key },
        records: [
          { coding: 'int32', vib: [0x03], value: Math.round(energyWh) }, // energy, Wh
          { coding: 'int32', vib: [0x13], value: Math.round(energyWh / 40) }, // volume, litres
          { coding: 'int32', vib: [0x2b], value: Math.round(powerW) }, // power, W
          { coding: 'int32', vib: [0x3b], value: Math.round(powerW / (1.163 * 8)) }, // volume flow, l/h
          { coding: 'int16', vib: [0x5a], value: Math.round(flowTemp * 10) }, // flow temperature, 0.1 °C
          { coding: 'int16', vib: [0x5e], value: Math.round((flowTemp - 8) * 10) }, // return temperature, 0.1 °C
        ],
      });
    },
  };
}
