/**
 * The server ID an SML meter names itself by. German meters use the DIN 43863-5 form: 09 or 0A (the ID's kind), the
 * energy type, three letters of the manufacturer (FLAG), a fabrication block and a 32-bit serial, printed as on the
 * meter's plate, e.g. `1ESY1162232997` (block in hex, serial in decimal: EasyMeter sends this text as 1-0:0.0.0).
 * Anything else is written in hex, or as text when it is printable.
 */
import { toHex } from '../hex.ts';
import { printableText } from './text.ts';

export interface ServerId {
  id: string;
  manufacturer?: string;
}

function isLetter(b: number): boolean {
  return b >= 0x41 && b <= 0x5a;
}

export function readServerId(bytes: Uint8Array): ServerId {
  if (
    bytes.length === 10 &&
    (bytes[0] === 0x09 || bytes[0] === 0x0a) &&
    isLetter(bytes[2]!) &&
    isLetter(bytes[3]!) &&
    isLetter(bytes[4]!)
  ) {
    const manufacturer = String.fromCharCode(bytes[2]!, bytes[3]!, bytes[4]!);
    const serial = ((bytes[6]! << 24) >>> 0) + (bytes[7]! << 16) + (bytes[8]! << 8) + bytes[9]!;
    const block = bytes[5]!.toString(16).toUpperCase().padStart(2, '0');
    return {
      id: `${bytes[1]!.toString(16)}${manufacturer}${block}${serial.toString().padStart(8, '0')}`,
      manufacturer,
    };
  }
  return { id: printableText(bytes) ?? toHex(bytes) };
}
