/**
 * One P1 telegram (`/` identification line, COSEM lines, `!CRC`) to an ObisMessage: CRC check, header, values,
 * meter identity and clock.
 */
import { decodeError, type DecodeOutput, type DecoderOptions, type MeterInfo, type ObisValue } from '../types.ts';
import { crc16, formatCrc } from './crc16.ts';
import { splitCosemLines } from './cosem-line.ts';
import { manufacturerName } from './manufacturers.ts';
import { latin1 } from './text.ts';
import { interpretLine } from './values.ts';

const SLASH = 0x2f;
const BANG = 0x21;
const LF = 0x0a;

/** From DSMR 4.0 on the CRC is mandatory. */
const FIRST_VERSION_WITH_CRC = 40;

/** Where the meter's identity is, in order of preference: DSMR, Belgian/Swedish, COSEM name, EasyMeter. */
const METER_ID_CODES = ['0-0:96.1.1', '0-0:96.1.0', '0-0:42.0.0', '1-0:0.0.0', '0-0:96.1.255'];

export function parseTelegram(bytes: Uint8Array, options: DecoderOptions = {}): DecodeOutput {
  const start = bytes.indexOf(SLASH);
  if (start < 0) return fail('syntax', "not a P1 telegram: no '/' identification line");
  const bang = findEndLine(bytes, start);
  if (bang < 0) return fail('truncated', "telegram ends before its '!' line: the data was cut off");

  const lineEnd = bytes.indexOf(LF, bang);
  const crcText = latin1(bytes, bang + 1, lineEnd < 0 ? bytes.length : lineEnd).trim();
  if (crcText !== '') {
    // Four hex digits per DSMR; some meters drop a leading zero (`!B9F`), which still states the number.
    if (!/^[0-9A-Fa-f]{3,4}$/.test(crcText)) return fail('syntax', `the CRC '${crcText}' is not 4 hex digits`);
    const stated = parseInt(crcText, 16);
    const computed = crc16(bytes, start, bang + 1);
    if (stated !== computed) {
      return fail(
        'crc',
        `CRC mismatch: the telegram states ${formatCrc(stated)}, its bytes give ${formatCrc(computed)}; ` +
          'the data was damaged on the way (check the cable, the baud rate and the parity)',
      );
    }
  }

  const text = latin1(bytes, start + 1, bang);
  const headerEnd = text.indexOf('\n');
  const header = (headerEnd < 0 ? text : text.slice(0, headerEnd)).replace(/\r$/, '');
  const lines = splitCosemLines(headerEnd < 0 ? '' : text.slice(headerEnd + 1));
  const values = lines.flatMap((line) => interpretLine(line, options.timeZone));

  // Random bytes hold a '/' ... '\n!' now and then; only a CRC or a value makes it a telegram.
  if (crcText === '' && values.length === 0) {
    return fail('syntax', 'no values and no CRC between the / and ! lines: noise, not a telegram');
  }

  const version = stringValue(values, '1-3:0.2.8') ?? stringValue(values, '0-0:96.1.4');
  const versionNumber = version ? Number(version.slice(0, 2)) : NaN;
  if (crcText === '' && versionNumber >= FIRST_VERSION_WITH_CRC) {
    return fail('crc', `the telegram has no CRC, but its DSMR version ${version} requires one: it was cut off`);
  }

  const meterId = METER_ID_CODES.map((code) => stringValue(values, code)).find((id) => id);
  const timestamp = values.find((v) => v.obis === '0-0:1.0.0' && typeof v.value === 'number')?.timestamp;
  const info: MeterInfo = { header, transport: 'p1', ...identify(header) };
  if (version) info.version = version;
  return {
    ok: true,
    message: {
      protocol: 'dsmr',
      ...(meterId ? { meterId } : {}),
      ...(timestamp !== undefined ? { timestamp } : {}),
      values,
      info,
    },
  };
}

/** Index of the `!` that opens the last line: the first `!` at a line start. */
function findEndLine(bytes: Uint8Array, start: number): number {
  for (let i = bytes.indexOf(BANG, start); i >= 0; i = bytes.indexOf(BANG, i + 1)) {
    if (bytes[i - 1] === LF) return i;
  }
  return -1;
}

function stringValue(values: ObisValue[], obis: string): string | undefined {
  const value = values.find((v) => v.obis === obis)?.value;
  return value === undefined || value === '' ? undefined : String(value);
}

/**
 * `XXXZ\WIdent` (IEC 62056-21): manufacturer flag, baud-rate character, an optional mark (`\2`, a 0x02 or 0xAB byte,
 * or such a byte written as an octal escape), then the meter's own identification.
 */
function identify(header: string): Pick<MeterInfo, 'manufacturer' | 'model'> {
  const flag = header.slice(0, 3);
  if (!/^[A-Za-z]{3}$/.test(flag)) return {};
  const model = header
    .slice(/^[0-9A-Z]$/.test(header.charAt(3)) ? 4 : 3)
    .replace(/^(?:\\(?:[0-7]{3}|.)|[^\x20-\x7e])/, '')
    .replace(/^[-_ ]+/, '')
    .trim();
  return { manufacturer: manufacturerName(flag) ?? flag.toUpperCase(), ...(model ? { model } : {}) };
}

function fail(kind: Parameters<typeof decodeError>[0], message: string): DecodeOutput {
  return { ok: false, error: decodeError(kind, message) };
}
