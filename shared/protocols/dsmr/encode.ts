/**
 * Builds P1 telegrams byte-exact as a meter sends them: `/header`, a blank line, COSEM lines, `!CRC`, all ending in
 * CRLF. For tests and the meter simulator.
 */
import { crc16, formatCrc } from './crc16.ts';
import { latin1Bytes } from './text.ts';

export { encodeHexAscii } from './text.ts';
export { formatDsmrTime } from './timestamp.ts';

/** A bare group `(value)` or one with a unit `(value*unit)`. */
export type TelegramGroup = string | { value: string; unit: string };

export interface TelegramLine {
  obis: string;
  groups: TelegramGroup[];
}

export interface TelegramSpec {
  /** The identification line without its `/`, e.g. `ISK5\2M550T-1012`. */
  header: string;
  /** Lines in order; a string is written verbatim (a DSMR 2.2 continuation line, a deliberately damaged line). */
  lines: (TelegramLine | string)[];
  /** `auto` (default) writes the right CRC, `none` a bare `!` (DSMR 2.2/3, EasyMeter), a number that value. */
  crc?: 'auto' | 'none' | number;
}

export function encodeTelegram(spec: TelegramSpec): Uint8Array {
  const body = [`/${spec.header}`, '', ...spec.lines.map(formatLine), '!'].join('\r\n');
  const bytes = latin1Bytes(body);
  const crc = spec.crc ?? 'auto';
  const stated = crc === 'none' ? '' : formatCrc(crc === 'auto' ? crc16(bytes) : crc);
  return latin1Bytes(`${body}${stated}\r\n`);
}

function formatLine(line: TelegramLine | string): string {
  if (typeof line === 'string') return line;
  return line.obis + line.groups.map((g) => (typeof g === 'string' ? `(${g})` : `(${g.value}*${g.unit})`)).join('');
}

/** A number as DSMR writes it: zero-padded to `integerDigits`, with exactly `decimals` decimals (`000004.426`). */
export function fixed(value: number, integerDigits: number, decimals = 0): string {
  const [int = '0', frac] = Math.abs(value).toFixed(decimals).split('.');
  const digits = frac === undefined ? int.padStart(integerDigits, '0') : `${int.padStart(integerDigits, '0')}.${frac}`;
  return value < 0 ? `-${digits}` : digits;
}
