/**
 * An IEC 62056-21 data block to an ObisMessage: data sets `address(value*unit)`, several per line or one, a second
 * `(...)` adding to the set before it (a capture time). Addresses stay as the meter wrote them (`1.8.0`, `F.F`,
 * `1-0:1.8.1*07`); numbers are numbers in the stated unit, anything else text.
 */
import { decodeError, type DecodeOutput, type ObisValue } from '../types.ts';
import { fullObis } from './full-obis.ts';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const UNIT = /^[A-Za-z0-9%°/]+$/;
/**
 * Registers (C.D.E of the full code, whatever A-B) that carry the meter's serial, in the order they are trusted:
 * 0.0.0 (`0.0`, `1-0:0.0.0*255`), then 96.1.0 (`C.1.0`, `C.1`). Kept as text, as is the error register 97.97.0
 * (`F.F`): leading zeros matter.
 */
const SERIAL_REGISTERS = ['0.0.0', '96.1.0'];
const TEXT_REGISTERS = new Set([...SERIAL_REGISTERS, '97.97.0']);

/** What the registers of an address are: read once per address (bounded, as addresses come from the wire). */
const MAX_CACHED = 4096;
const roles = new Map<string, { text: boolean; serialRank: number }>();

function roleOf(address: string): { text: boolean; serialRank: number } {
  const known = roles.get(address);
  if (known) return known;
  const full = fullObis(address);
  const register = full === null ? '' : full.slice(full.indexOf(':') + 1); // `C.D.E`, or `C.D.E*F` when historical
  const role = { text: TEXT_REGISTERS.has(register), serialRank: SERIAL_REGISTERS.indexOf(register) };
  if (roles.size >= MAX_CACHED) roles.clear();
  roles.set(address, role);
  return role;
}

function readValue(text: string): { value: number | string; unit: string | null } {
  const star = text.lastIndexOf('*');
  const number = (star < 0 ? text : text.slice(0, star)).trim();
  const unit = star < 0 ? null : text.slice(star + 1).trim();
  if (NUMBER.test(number) && (unit === null || unit === '' || UNIT.test(unit))) {
    return { value: Number(number), unit: unit || null };
  }
  return { value: text.trim(), unit: null };
}

/**
 * The block as one string, decoded natively: scanning and slicing it beats building strings byte by byte. (WHATWG's
 * `latin1` is windows-1252: bytes 0x80-0x9F, which no readout should carry, become other characters, still above `~`.)
 */
const LATIN1 = new TextDecoder('latin1');

export function decodeReadout(identification: string, data: Uint8Array): DecodeOutput {
  const values: ObisValue[] = [];
  const block = LATIN1.decode(data);
  let serial: { rank: number; value: string } | null = null;
  // Where the address before the next `(` starts: after a line end, STX, ACK and its option digits, junk, or `)`.
  let from = 0;
  for (let i = 0; i < block.length; i++) {
    const c = block.charCodeAt(i);
    if (c === 0x28) {
      const close = block.indexOf(')', i + 1);
      if (close < 0) break;
      // A `(...)` straight after another (no address) is the set's capture time: not a value of its own.
      const code = block.slice(from, i).trim();
      const text = block.slice(i + 1, close);
      if (code) {
        const role = roleOf(code);
        const value = role.text ? { value: text.trim(), unit: null } : readValue(text);
        values.push({ obis: code, ...value });
        if (role.serialRank >= 0 && value.value !== '' && (serial === null || role.serialRank < serial.rank)) {
          serial = { rank: role.serialRank, value: String(value.value).trim() };
        }
      }
      from = close + 1;
      i = close;
    } else if (c < 0x20 || c > 0x7e) {
      from = i + 1;
    }
  }
  if (values.length === 0)
    return { ok: false, error: decodeError('syntax', 'an IEC 62056-21 readout without data sets') };
  const manufacturer = identification.slice(0, 3);
  return {
    ok: true,
    message: {
      protocol: 'iec62056-21',
      ...(serial ? { meterId: serial.value } : {}),
      values,
      info: { header: identification, manufacturer, transport: 'iec62056-21' },
    },
  };
}
