/**
 * An EN 13757-3 heat meter as a wired M-Bus master reads it every minute (RSP_UD long frames, 2400 8E1): energy,
 * volume, power, flow and the two temperatures. Its heat follows the household's gas use (the boiler's output).
 */
import { encodeVariableDataFrame, type RecordSpec } from '../../protocols/mbus/encode.ts';
import type { HouseholdState } from '../household.ts';
import type { WireMeter } from '../meter.ts';

/** kWh of heat per m³ of gas burnt, boiler losses included. */
const HEAT_PER_GAS = 9.5;

/** A heat meter's records for each household state in turn (power from the energy since the previous one). */
export function heatRecords(): (s: HouseholdState) => RecordSpec[] {
  let last: HouseholdState | undefined;
  return (s) => {
    const energyWh = s.gasVolume * HEAT_PER_GAS * 1000;
    const hours = last ? (s.time - last.time) / 3600 : 0;
    const powerW = last && hours > 0 ? ((s.gasVolume - last.gasVolume) * HEAT_PER_GAS * 1000) / hours : 0;
    last = s;
    const flowTemp = 45 + 10 * Math.min(1, powerW / 10000);
    const returnTemp = flowTemp - 8;
    const flowLitresPerHour = powerW / (1.163 * 8);
    return [
      { coding: 'int32', vib: [0x03], value: Math.round(energyWh) }, // energy, Wh
      { coding: 'int32', vib: [0x13], value: Math.round(energyWh / 40) }, // volume, litres
      { coding: 'int32', vib: [0x2b], value: Math.round(powerW) }, // power, W
      { coding: 'int32', vib: [0x3b], value: Math.round(flowLitresPerHour) }, // volume flow, l/h
      { coding: 'int16', vib: [0x5a], value: Math.round(flowTemp * 10) }, // flow temperature, 0.1 °C
      { coding: 'int16', vib: [0x5e], value: Math.round(returnTemp * 10) }, // return temperature, 0.1 °C
    ];
  };
}

export function heatMeter(): WireMeter {
  const serial = '67452301';
  const records = heatRecords();
  return {
    kind: 'wire',
    model: 'mbus-heat',
    description: 'EN 13757-3 heat meter (wired M-Bus RSP_UD, 2400 8E1), read every 60 s',
    interval: 60,
    lineSettings: { baudRate: 2400, dataBits: 8, parity: 'even', stopBits: 1 },
    serial,
    encrypted: false,
    render: (s: HouseholdState, sequence: number) =>
      encodeVariableDataFrame({
        header: { id: serial, manufacturer: 'SMB', version: 1, medium: 0x04, accessNumber: sequence & 0xff },
        records: records(s),
      }),
  };
}
