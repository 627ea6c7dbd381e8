/** Hand-made decoder output, shaped as shared/protocols/types.ts defines it, for the profile tests. */
import type { MbusMessage, MbusRecord, ObisMessage, ObisValue } from '../../../shared/protocols/types.ts';

export function obisMessage(values: ObisValue[], extra: Partial<ObisMessage> = {}): ObisMessage {
  return { protocol: 'dsmr', meterId: 'E0012345', timestamp: 1_700_000_000, values, info: {}, ...extra };
}

/** `[obis, value, unit]` rows, the way a P1 telegram reads. */
export function telegram(
  rows: [string, number | string, string | null][],
  extra: Partial<ObisMessage> = {},
): ObisMessage {
  return obisMessage(
    rows.map(([obis, value, unit]) => ({ obis, value, unit })),
    extra,
  );
}

export function record(
  quantity: string,
  value: number | string,
  unit: string | null,
  over: Partial<MbusRecord> = {},
): MbusRecord {
  return { record: 0, function: 'instantaneous', storage: 0, tariff: 0, subunit: 0, quantity, unit, value, ...over };
}

export function mbusMessage(medium: string, records: MbusRecord[], extra: Partial<MbusMessage> = {}): MbusMessage {
  return {
    protocol: 'mbus',
    meterId: '12345678',
    device: { id: '12345678', manufacturer: 'KAM', version: 1, medium, accessNumber: 1, status: '00' },
    values: records.map((r, i) => ({ ...r, record: i })),
    info: {},
    ...extra,
  };
}
