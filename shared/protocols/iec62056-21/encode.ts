/** IEC 62056-21 readouts as meters send them, for fixtures: identification, data sets, `!`, and with STX the ETX and BCC. */
export interface ReadoutSpec {
  /** Without the leading `/`, e.g. `LGZ4ZMF100AC.M27`. */
  identification: string;
  /** `[address, value, unit?]`, one data set per line. */
  sets: [string, string, string?][];
  /** Mode C/E reply framing: STX before the data, ETX and the BCC (XOR of the bytes after STX up to ETX) after `!`. */
  stx?: boolean;
}

export function encodeReadout({ identification, sets, stx = false }: ReadoutSpec): Uint8Array {
  const lines = sets.map(([address, value, unit]) => `${address}(${value}${unit ? `*${unit}` : ''})\r\n`).join('');
  const block = `${lines}!\r\n`;
  if (!stx) return latin1(`/${identification}\r\n\r\n${block}`);
  const body = latin1(`${block}\x03`);
  const bcc = body.reduce((x, b) => x ^ b, 0);
  return Uint8Array.from([...latin1(`/${identification}\r\n\x02`), ...body, bcc]);
}

function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}
