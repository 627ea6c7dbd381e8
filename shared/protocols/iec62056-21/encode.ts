/** IEC 62056-21 readouts as meters send them, for fixtures: identification, data sets, `!`, and with STX the ETX and BCC. */
import { blockCheck } from './mode-c.ts';

export interface ReadoutSpec {
  /** Without the leading `/`, e.g. `LGZ4ZMF100AC.M27`. */
  identification: string;
  /** `[address, value, unit?]`, one data set per line. */
  sets: [string, string, string?][];
  /** Mode C/E reply framing: STX before the data, ETX and the BCC (XOR of the bytes after STX up to ETX) after `!`. */
  stx?: boolean;
}

export function encodeReadout({ identification, sets, stx = false }: ReadoutSpec): Uint8Array {
  if (!stx) return latin1(`/${identification}\r\n\r\n${dataBlock(sets)}`);
  return Uint8Array.from([...latin1(`/${identification}\r\n`), ...encodeDataMessage(sets)]);
}

/** The data message of a mode A, B or C readout: `STX <data block> ! CR LF ETX BCC`. */
export function encodeDataMessage(sets: ReadoutSpec['sets']): Uint8Array {
  const body = latin1(`${dataBlock(sets)}\x03`);
  return Uint8Array.from([0x02, ...body, blockCheck(body)]);
}

function dataBlock(sets: ReadoutSpec['sets']): string {
  const lines = sets.map(([address, value, unit]) => `${address}(${value}${unit ? `*${unit}` : ''})\r\n`).join('');
  return `${lines}!\r\n`;
}

function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}
