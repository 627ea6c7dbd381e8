/**
 * An OMS heat meter on wireless M-Bus (EN 13757-4 T1), as a USB receiver passes its telegrams on (from the L-field,
 * CRCs checked and stripped): the wired heat meter's records, AES-128 encrypted in OMS security mode 5 with the key
 * given.
 */
import { encodeWmbusFrame } from '../../protocols/wmbus/encode.ts';
import type { HouseholdState } from '../household.ts';
import { LINE_8N1, type SimulationKeys, type WireMeter } from '../meter.ts';
import { heatRecords } from './mbus.ts';

export function wmbusHeatMeter(keys: SimulationKeys): WireMeter {
  const { key } = keys;
  if (!key) throw new RangeError('wmbus-heat needs the meter key (--key)');
  const serial = '76543210';
  const records = heatRecords();
  return {
    kind: 'wire',
    model: 'wmbus-heat',
    description: 'OMS heat meter on wireless M-Bus (T1, security mode 5), as a USB stick passes it on, every 120 s',
    interval: 120,
    lineSettings: LINE_8N1(9600),
    serial,
    encrypted: true,
    protocol: 'wmbus',
    render: (s: HouseholdState, sequence: number) =>
      encodeWmbusFrame({
        address: { manufacturer: 'SMB', id: serial, version: 1, deviceType: 0x04 },
        accessNumber: sequence & 0xff,
        security: { mode: 5, key },
        records: records(s),
      }),
  };
}
