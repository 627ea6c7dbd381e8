/**
 * The application layer of one long frame: the CI field picks the structure (variable data with a long, short or
 * no header, or the fixed structure); anything else is reported as unsupported, naming the CI.
 */
import { decodeError, type DecodeOutput, type MbusDevice, type MbusMessage, type MbusRecord } from '../types.ts';
import { zonedToUnix } from '../../time.ts';
import { FIXED_LENGTH, readFixed } from './fixed.ts';
import { LONG_HEADER_LENGTH, readLongHeader, readShortHeader, SHORT_HEADER_LENGTH } from './header.ts';
import { parseRecords } from './records.ts';
import type { CivilFields } from './values.ts';

export const CI = {
  variableLong: 0x72,
  variableLongMode2: 0x76,
  variableNoHeader: 0x78,
  variableShort: 0x7a,
  fixed: 0x73,
  fixedMode2: 0x77,
} as const;

const NO_DEVICE: MbusDevice = {
  id: '',
  manufacturer: '',
  version: 0,
  medium: '',
  accessNumber: 0,
  status: '00',
};

/** CI fields that carry DLMS/COSEM: 0x00-0x1F are reserved for DLMS (segmented pushes), the rest are COSEM APDUs. */
const DLMS_CI = new Set([...Array.from({ length: 0x20 }, (_, i) => i), 0x60, 0x61, 0x7c, 0x7d]);

/** Why a CI is not decoded here, for the error message. */
function unsupportedReason(ci: number): string {
  if (DLMS_CI.has(ci)) return 'it carries DLMS/COSEM, decode it with the DLMS decoder';
  if (ci === 0x70) return 'the meter answered with an application error';
  if (ci >= 0x50 && ci <= 0x5f) return 'it is a master-to-meter command, not a meter response';
  return 'this decoder reads meter responses with CI 0x72, 0x76, 0x78, 0x7A, 0x73 and 0x77';
}

/**
 * Unix time of the meter clock, read in `timeZone` (the frame carries no offset); none when the meter flags it
 * invalid or the configured zone is unknown to Intl (configuration validates zones; decoding must not throw).
 */
export function unixTime(fields: CivilFields | undefined, timeZone?: string): number | undefined {
  if (!fields || fields.invalid || fields.month < 1 || fields.month > 12 || fields.day < 1 || fields.day > 31) {
    return undefined;
  }
  try {
    return zonedToUnix(fields, timeZone);
  } catch {
    return undefined;
  }
}

function message(device: MbusDevice, values: MbusRecord[], timestamp?: number): DecodeOutput {
  const msg: MbusMessage = { protocol: 'mbus', meterId: device.id, device, values, info: { transport: 'mbus' } };
  if (device.manufacturer) msg.info.manufacturer = device.manufacturer;
  if (timestamp !== undefined) msg.timestamp = timestamp;
  return { ok: true, message: msg };
}

const hexCi = (ci: number) => `0x${ci.toString(16).toUpperCase().padStart(2, '0')}`;

function tooShort(ci: number, body: Uint8Array, need: number): DecodeOutput {
  const message = `M-Bus CI ${hexCi(ci)} needs a ${need}-byte header, the frame has ${body.length} bytes after the CI`;
  return { ok: false, error: decodeError('truncated', message) };
}

/** Decodes the bytes after the CI field of an RSP_UD long frame. */
export function decodeApplication(ci: number, body: Uint8Array, timeZone?: string): DecodeOutput {
  if (ci === CI.fixed || ci === CI.fixedMode2) {
    if (body.length < FIXED_LENGTH) return tooShort(ci, body, FIXED_LENGTH);
    const { device, records } = readFixed(body, ci === CI.fixedMode2);
    return message(device, records);
  }
  let device: MbusDevice;
  let headerLength: number;
  const bigEndian = ci === CI.variableLongMode2;
  if (ci === CI.variableLong || ci === CI.variableLongMode2) {
    if (body.length < LONG_HEADER_LENGTH) return tooShort(ci, body, LONG_HEADER_LENGTH);
    device = readLongHeader(body, bigEndian);
    headerLength = LONG_HEADER_LENGTH;
  } else if (ci === CI.variableShort) {
    if (body.length < SHORT_HEADER_LENGTH) return tooShort(ci, body, SHORT_HEADER_LENGTH);
    device = readShortHeader(body);
    headerLength = SHORT_HEADER_LENGTH;
  } else if (ci === CI.variableNoHeader) {
    device = { ...NO_DEVICE };
    headerLength = 0;
  } else {
    return {
      ok: false,
      error: decodeError('unsupported', `M-Bus CI field ${hexCi(ci)} is not supported: ${unsupportedReason(ci)}`),
    };
  }
  const parsed = parseRecords(body.subarray(headerLength), bigEndian);
  if (!parsed.ok) {
    return {
      ok: false,
      error: decodeError('syntax', `M-Bus frame from meter ${device.id || '(no header)'}: ${parsed.problem}`),
    };
  }
  return message(device, parsed.records, unixTime(parsed.clock, timeZone));
}
