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

/** `C.D.E` of a current register, `C.D.E*F` of a historical one, null for what is no address. */
function registerOf(address: string): string | null {
  const full = fullObis(address);
  return full === null ? null : full.slice(full.indexOf(':') + 1);
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

export function decodeReadout(identification: string, data: Uint8Array): DecodeOutput {
  const values: ObisValue[] = [];
  let address = '';
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (b === 0x28) {
      const close = data.indexOf(0x29, i + 1);
      if (close < 0) break;
      // A `(...)` straight after another (no address) is the set's capture time: not a value of its own.
      const code = address.trim();
      const text = String.fromCharCode(...data.subarray(i + 1, close));
      if (code)
        values.push({
          obis: code,
          ...(TEXT_REGISTERS.has(registerOf(code) ?? '') ? { value: text.trim(), unit: null } : readValue(text)),
        });
      address = '';
      i = close;
    } else if (b < 0x20 || b > 0x7e) {
      address = ''; // line ends, STX, ACK and its option digits, junk before `!`
    } else {
      address += String.fromCharCode(b);
    }
  }
  if (values.length === 0)
    return { ok: false, error: decodeError('syntax', 'an IEC 62056-21 readout without data sets') };
  const serial = SERIAL_REGISTERS.map((r) => values.find((v) => v.value !== '' && registerOf(v.obis!) === r)).find(
    (v) => v,
  );
  const manufacturer = identification.slice(0, 3);
  return {
    ok: true,
    message: {
      protocol: 'iec62056-21',
      ...(serial ? { meterId: String(serial.value).trim() } : {}),
      values,
      info: { header: identification, manufacturer, transport: 'iec62056-21' },
    },
  };
}
