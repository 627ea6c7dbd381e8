/**
 * A German eHZ household meter read by an IR head: SML 1.04 at 9600 8N1, a file every second with import and export
 * (total and two tariffs), signed power in total and per phase, and the phases' voltages and currents.
 */
import { encodeSmlFile, type SmlEntrySpec } from '../../protocols/sml/encode.ts';
import type { HouseholdState } from '../household.ts';
import { LINE_8N1, type WireMeter } from '../meter.ts';

/** DIN 43863-5 server ID `1EMH0012345678` (kind 0A, electricity, EMH, block 00, serial 12345678). */
const SERVER_ID = Uint8Array.of(0x0a, 0x01, 0x45, 0x4d, 0x48, 0x00, 0x00, 0xbc, 0x61, 0x4e);
const W = 27;
const WH = 30;
const A = 33;
const V = 35;

/** Counters in 0.1 Wh as eight-byte unsigned integers, as EMH and ISKRA meters send them. */
const energy = (obis: string, wh: number): SmlEntrySpec => ({
  obis,
  value: Math.round(wh * 10),
  unit: WH,
  scaler: -1,
  size: 8,
  type: 'unsigned',
});

function entries(s: HouseholdState): SmlEntrySpec[] {
  const power = (obis: string, w: number): SmlEntrySpec => ({
    obis,
    value: Math.round(w * 100),
    unit: W,
    scaler: -2,
    size: 4,
    type: 'integer',
  });
  return [
    { obis: '129-129:199.130.3', value: 'EMH' },
    { obis: '1-0:0.0.9', value: SERVER_ID },
    { ...energy('1-0:1.8.0', s.energyIn[0] + s.energyIn[1]), status: 0x1820 },
    energy('1-0:2.8.0', s.energyOut[0] + s.energyOut[1]),
    energy('1-0:1.8.1', s.energyIn[0]),
    energy('1-0:1.8.2', s.energyIn[1]),
    power('1-0:16.7.0', s.powerIn - s.powerOut),
    ...s.phases.map((p, i) => power(`1-0:${36 + 20 * i}.7.0`, p.power)),
    ...s.phases.map((p, i) => ({
      obis: `1-0:${32 + 20 * i}.7.0`,
      value: Math.round(p.voltage * 10),
      unit: V,
      scaler: -1,
    })),
    ...s.phases.map((p, i) => ({
      obis: `1-0:${31 + 20 * i}.7.0`,
      value: Math.round(p.current * 100),
      unit: A,
      scaler: -2,
    })),
  ];
}

export function ehzMeter(): WireMeter {
  return {
    kind: 'wire',
    model: 'ehz',
    description: 'German eHZ (SML 1.04 over an IR head, 9600 8N1), a file every second, signed power per phase',
    interval: 1,
    lineSettings: LINE_8N1(9600),
    serial: '1EMH0012345678',
    encrypted: false,
    render: (s, sequence) =>
      encodeSmlFile({
        serverId: SERVER_ID,
        entries: entries(s),
        timestamp: s.time,
        transactionId: (sequence * 3) & 0xffff,
      }),
  };
}
