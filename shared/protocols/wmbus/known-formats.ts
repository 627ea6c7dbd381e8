/**
 * Compact-frame layouts of meter families that send compact frames only, so that no full frame ever tells the
 * receiver their record headers. A row is data: the family (manufacturer, version and device type of the transport
 * header's meter), the format signature, and the headers in order. A row is only right if the CRC of its headers is
 * the signature, and the CRC of the headers merged with a real frame's values is the full-frame CRC that frame carries
 * (two independent 16-bit checks; test/unit/wmbus/known-formats.test.ts holds both).
 */
import { layoutOf, type Layout } from './record-headers.ts';

export interface KnownFormat {
  meter: string;
  manufacturer: string;
  version: number;
  deviceType: number;
  signature: number;
  /** DIF (DIFEs) VIF (VIFEs) of each record, in hex, one record per word. */
  headers: string;
}

export const KNOWN_FORMATS: readonly KnownFormat[] = [
  {
    // Engelmann FAW water meter (mode 5, CI 0x73 long header): reporting date and its volume (storage 1), error
    // flags, the month-end volumes of storages 2-16, the meter clock, the current volume (litres).
    meter: 'Engelmann FAW',
    manufacturer: 'EFE',
    version: 0x00,
    deviceType: 0x07,
    signature: 0x052d,
    headers:
      '426C 4413 01FD17 840113 C40113 840213 C40213 840313 C40313 840413 C40413 840513 C40513 840613 C40613 840713 C40713 840813 046D 0413',
  },
];

const key = (manufacturer: string, version: number, deviceType: number, signature: number) =>
  `${manufacturer}.${version}.${deviceType}.${signature}`;

const hexBytes = (hex: string) => Uint8Array.from(hex.replace(/\s+/g, '').match(/../g) ?? [], (b) => parseInt(b, 16));

const LAYOUTS = new Map<string, Layout>();
for (const f of KNOWN_FORMATS) {
  const layout = layoutOf(hexBytes(f.headers), true);
  if (layout) LAYOUTS.set(key(f.manufacturer, f.version, f.deviceType, f.signature), layout);
}

/** The transport header's meter a compact frame comes from. */
export interface Family {
  manufacturer: string;
  version: number;
  deviceType: number;
}

export function knownLayout(family: Family, signature: number): Layout | undefined {
  return LAYOUTS.get(key(family.manufacturer, family.version, family.deviceType, signature));
}

/** The headers of a row as bytes, for the test that checks each row against its signature. */
export const knownHeaders = (f: KnownFormat): Uint8Array => hexBytes(f.headers);
