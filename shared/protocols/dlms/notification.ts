/**
 * The data-notification APDU (IEC 62056-5-3, tag 0x0F): long-invoke-id-and-priority (4 bytes), an optional
 * date-time, then the notification body as tagged A-XDR data. Meters write the date-time as 0x00 (absent),
 * 0x0C + 12 bytes (its length, the usual form), 0x01 0x0C + 12 bytes (present flag first) or a tagged octet-string
 * 0x09 0x0C + 12 bytes (Kaifa).
 */
import type { DecodeError } from '../types.ts';
import { AxdrReader, readAxdr, TAG, type DlmsData } from './axdr.ts';
import { NEED_MORE, NOT_PLAIN } from './axdr-extent.ts';

export const DATA_NOTIFICATION_TAG = 0x0f;

export interface DataNotification {
  invokeId: number;
  dateTime: Uint8Array | null;
  body: DlmsData;
  /** The body used the Czech untagged attribute descriptors. */
  descriptors: boolean;
}

export type NotificationResult = { ok: true; value: DataNotification; end: number } | { ok: false; error: DecodeError };

function readDateTime(r: AxdrReader): Uint8Array | null {
  const first = r.u8('data-notification date-time');
  if (first === 0) return null;
  if (first === 12) return r.take(12, 'data-notification date-time');
  if ((first === 1 || first === TAG.octetString) && r.u8('data-notification date-time') === 12) {
    return r.take(12, 'data-notification date-time');
  }
  return r.fail('syntax', 'data-notification date-time is neither absent nor 12 bytes');
}

function read(apdu: Uint8Array, descriptors: boolean): NotificationResult {
  const result = readAxdr(apdu, 0, { descriptors }, (r) => {
    if (r.u8('APDU tag') !== DATA_NOTIFICATION_TAG) r.fail('syntax', 'not a data-notification APDU');
    const invokeId = r.u32('long-invoke-id-and-priority');
    const dateTime = readDateTime(r);
    const body = r.data();
    return { invokeId, dateTime, body, descriptors };
  });
  return result;
}

/** Cheap test of the fixed header, so that stray 0x0F bytes are passed over without a full parse. */
export function mayBeDataNotification(bytes: Uint8Array): boolean {
  const dateTimeStart = bytes[5];
  return (
    bytes[0] === DATA_NOTIFICATION_TAG &&
    (dateTimeStart === undefined ||
      dateTimeStart === 0 ||
      dateTimeStart === 12 ||
      dateTimeStart === 1 ||
      dateTimeStart === TAG.octetString)
  );
}

/** Where a data-notification's body starts (after tag, invoke id and date-time), NEED_MORE or NOT_PLAIN. */
export function notificationBodyStart(bytes: Uint8Array): number {
  if (bytes.length < 6) return NEED_MORE;
  const dateTimeStart = bytes[5];
  if (dateTimeStart === 0) return 6;
  if (dateTimeStart === 12) return 18;
  if (dateTimeStart !== 1 && dateTimeStart !== TAG.octetString) return NOT_PLAIN;
  if (bytes.length < 7) return NEED_MORE;
  return bytes[6] === 12 ? 19 : NOT_PLAIN;
}

/**
 * Decodes a data-notification. A body that is not valid tagged A-XDR is read again in the Czech dialect
 * (an untagged attribute descriptor before each value); when both fail, a `truncated` reading wins.
 */
export function parseDataNotification(apdu: Uint8Array): NotificationResult {
  const strict = read(apdu, false);
  if (strict.ok) return strict;
  const dialect = read(apdu, true);
  // While bytes are still arriving, a cut-short reading in either form means "wait", not "invalid".
  if (dialect.ok || (dialect.error.kind === 'truncated' && strict.error.kind !== 'truncated')) return dialect;
  return strict;
}
