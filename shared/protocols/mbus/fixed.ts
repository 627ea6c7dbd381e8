/**
 * The fixed data structure (CI 0x73, or 0x77 high byte first): ID, access number, status, medium and units, and two
 * 4-byte counters. Status bit 7 says the counters are binary (else BCD); bit 6 says they hold fixed-date values.
 */
import type { MbusDevice, MbusRecord } from '../types.ts';
import { identification, statusText } from './header.ts';
import { FIXED_MEDIUM, FIXED_UNIT, FIXED_UNIT_HISTORIC, toSi } from './tables.ts';
import { readBcd, readInt } from './values.ts';

export const FIXED_LENGTH = 16;

export function readFixed(b: Uint8Array, bigEndian: boolean): { device: MbusDevice; records: MbusRecord[] } {
  const status = b[5]!;
  const [low, high] = bigEndian ? [b[7]!, b[6]!] : [b[6]!, b[7]!];
  // The medium is split over the top two bits of both unit bytes, the second byte holding the high half.
  const medium = ((high >> 6) << 2) | (low >> 6);
  const counter = (offset: number) => {
    const bytes = b.subarray(offset, offset + 4);
    return status & 0x80 ? readInt(bytes, bigEndian, true) : readBcd(bytes, bigEndian);
  };
  const unit1 = low & 0x3f;
  const unit2 = high & 0x3f;
  const historic = unit2 === FIXED_UNIT_HISTORIC;
  const records = [
    { unitCode: unit1, raw: counter(8), storage: status & 0x40 ? 1 : 0 },
    { unitCode: historic ? unit1 : unit2, raw: counter(12), storage: historic || status & 0x40 ? 1 : 0 },
  ].map(({ unitCode, raw, storage }, record): MbusRecord => {
    const meaning = FIXED_UNIT.get(unitCode) ?? { quantity: 'Reserved', unit: null, factor: 1 };
    return {
      record,
      function: 'instantaneous',
      storage,
      tariff: 0,
      subunit: 0,
      quantity: meaning.quantity,
      unit: meaning.unit,
      value: typeof raw === 'number' ? toSi(raw, meaning) : raw,
    };
  });
  const device: MbusDevice = {
    id: identification(b.subarray(0, 4), bigEndian),
    manufacturer: '',
    version: 0,
    medium: FIXED_MEDIUM[medium]!,
    accessNumber: b[4]!,
    status: statusText(status),
  };
  return { device, records };
}
