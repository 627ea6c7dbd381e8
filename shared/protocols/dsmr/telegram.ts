/**
 * One P1 telegram (`/` identification line, COSEM lines, `!CRC`) to an ObisMessage in a single pass over its bytes:
 * the CRC takes in each line as its end is found, each line is read as it ends (OBIS as a numeric key, numbers and
 * clocks from the bytes), and strings are made only for what the message holds.
 */
import { decodeError, type DecodeOutput, type DecoderOptions, type MeterInfo, type ObisValue } from '../types.ts';
import { crc16Update, formatCrc } from './crc16.ts';
import { addGroups, indexOfByte, isBlank, readObisKey } from './cosem-line.ts';
import { manufacturerName } from './manufacturers.ts';
import { obisSpec, type ObisSpec } from './obis-table.ts';
import { hexDigit, latin1 } from './text.ts';
import { interpretLine } from './values.ts';

const SLASH = 0x2f;
const BANG = 0x21;
const LF = 0x0a;
const CR = 0x0d;
const LPAREN = 0x28;

/** From DSMR 4.0 on the CRC is mandatory. */
const FIRST_VERSION_WITH_CRC = 40;

const VERSION_CODES = ['1-3:0.2.8', '0-0:96.1.4'];
/** Where the meter's identity is, in order of preference: DSMR, Belgian/Swedish, COSEM name, EasyMeter. */
const METER_ID_CODES = ['0-0:96.1.1', '0-0:96.1.0', '0-0:42.0.0', '1-0:0.0.0', '0-0:96.1.255'];
const CLOCK = '0-0:1.0.0';

export function parseTelegram(bytes: Uint8Array, options: DecoderOptions = {}): DecodeOutput {
  const start = bytes.indexOf(SLASH);
  if (start < 0) return fail('syntax', "not a P1 telegram: no '/' identification line");

  const lines = new LineReader(bytes, options.timeZone);
  let headerEnd = -1;
  let lineStart = start + 1;
  let bang = -1;
  let crc = 0;
  let crcFrom = start;
  // Line by line: the native search finds each line end, the CRC takes in the line, the reader reads it.
  for (let lf = bytes.indexOf(LF, start); lf >= 0; lf = bytes.indexOf(LF, lf + 1)) {
    crc = crc16Update(crc, bytes, crcFrom, lf + 1);
    crcFrom = lf + 1;
    if (headerEnd < 0) headerEnd = lf;
    else lines.read(lineStart, lf);
    lineStart = lf + 1;
    if (bytes[lineStart] === BANG) {
      bang = lineStart;
      crc = crc16Update(crc, bytes, bang, bang + 1);
      break;
    }
  }
  if (bang < 0) return fail('truncated', "telegram ends before its '!' line: the data was cut off");
  const values = lines.finish();

  const crcLine = trimmed(bytes, bang + 1, lineEndAt(bytes, bang));
  const hasCrc = crcLine[1] > crcLine[0];
  if (hasCrc) {
    // Four hex digits per DSMR; some meters drop a leading zero (`!B9F`), which still states the number.
    const stated = readHex(bytes, crcLine[0], crcLine[1]);
    if (stated < 0) {
      return fail('syntax', `the CRC '${latin1(bytes, crcLine[0], crcLine[1])}' is not 4 hex digits`);
    }
    if (stated !== crc) {
      return fail(
        'crc',
        `CRC mismatch: the telegram states ${formatCrc(stated)}, its bytes give ${formatCrc(crc)}; ` +
          'the data was damaged on the way (check the cable, the baud rate and the parity)',
      );
    }
  }

  // Random bytes hold a '/' ... '\n!' now and then; only a CRC or a value makes it a telegram.
  if (!hasCrc && values.length === 0) {
    return fail('syntax', 'no values and no CRC between the / and ! lines: noise, not a telegram');
  }

  const version = firstText(values, VERSION_CODES);
  const versionNumber = version ? Number(version.slice(0, 2)) : NaN;
  if (!hasCrc && versionNumber >= FIRST_VERSION_WITH_CRC) {
    return fail('crc', `the telegram has no CRC, but its DSMR version ${version} requires one: it was cut off`);
  }

  const meterId = firstText(values, METER_ID_CODES);
  const timestamp = values.find((v) => v.obis === CLOCK && typeof v.value === 'number')?.timestamp;
  const headerStop = headerEnd > start + 1 && bytes[headerEnd - 1] === CR ? headerEnd - 1 : headerEnd;
  const header = latin1(bytes, start + 1, headerStop);
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

/** The body's lines, read one by one as the scan finds their ends, into the message's values. */
class LineReader {
  private readonly values: ObisValue[] = [];
  /** The line whose groups are being collected: continuation lines may still add to it. */
  private pending: ObisSpec | null = null;
  private groups: number[] = [];

  constructor(
    private readonly bytes: Uint8Array,
    private readonly timeZone: string | undefined,
  ) {}

  /**
   * Reads the line bytes[start, end): a continuation line (`(...)`) adds its groups to the pending line; a line with
   * a valid OBIS code completes the pending one and takes its place; blank and damaged lines are left out.
   */
  read(start: number, end: number): void {
    const { bytes } = this;
    while (start < end && isBlank(bytes[start]!)) start++;
    while (end > start && isBlank(bytes[end - 1]!)) end--;
    if (start === end) return;
    if (bytes[start] === LPAREN) {
      if (this.pending) addGroups(bytes, start, end, this.groups);
      return;
    }
    const open = indexOfByte(bytes, LPAREN, start, end);
    let codeEnd = open < 0 ? end : open;
    while (codeEnd > start && isBlank(bytes[codeEnd - 1]!)) codeEnd--;
    const key = readObisKey(bytes, start, codeEnd);
    if (key < 0) return;
    this.finish();
    this.pending = obisSpec(key);
    this.groups = [];
    if (open >= 0) addGroups(bytes, open, end, this.groups);
  }

  /** Completes the pending line; the values read so far. */
  finish(): ObisValue[] {
    if (this.pending) interpretLine(this.bytes, this.pending, this.groups, this.timeZone, this.values);
    this.pending = null;
    return this.values;
  }
}

function lineEndAt(bytes: Uint8Array, from: number): number {
  const lf = bytes.indexOf(LF, from);
  return lf < 0 ? bytes.length : lf;
}

function trimmed(bytes: Uint8Array, start: number, end: number): [number, number] {
  while (start < end && isBlank(bytes[start]!)) start++;
  while (end > start && isBlank(bytes[end - 1]!)) end--;
  return [start, end];
}

/** Three or four hex digits as a number; -1 for anything else. */
function readHex(bytes: Uint8Array, start: number, end: number): number {
  if (end - start < 3 || end - start > 4) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const digit = hexDigit(bytes[i]!);
    if (digit < 0) return -1;
    n = n * 16 + digit;
  }
  return n;
}

/** The first non-empty value among the codes, in their order of preference, as text. */
function firstText(values: readonly ObisValue[], codes: readonly string[]): string | undefined {
  for (const code of codes) {
    const value = values.find((v) => v.obis === code)?.value;
    if (value !== undefined && value !== '') return String(value);
  }
  return undefined;
}

const MAX_CACHED_HEADERS = 256;
const identities = new Map<string, Pick<MeterInfo, 'manufacturer' | 'model'>>();

/**
 * `XXXZ\WIdent` (IEC 62056-21): manufacturer flag, baud-rate character, an optional mark (`\2`, a 0x02 or 0xAB byte,
 * or such a byte written as an octal escape), then the meter's own identification. A meter sends the same header
 * every time: it is read once.
 */
function identify(header: string): Pick<MeterInfo, 'manufacturer' | 'model'> {
  let identity = identities.get(header);
  if (identity === undefined) {
    identity = readIdentification(header);
    if (identities.size >= MAX_CACHED_HEADERS) identities.clear();
    identities.set(header, identity);
  }
  return identity;
}

function readIdentification(header: string): Pick<MeterInfo, 'manufacturer' | 'model'> {
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
