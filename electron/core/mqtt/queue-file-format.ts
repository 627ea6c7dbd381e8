/**
 * The offline queue's on-disk format, version 1: plain text files of lines `<crc32 as 8 hex digits> <JSON>\n`.
 * The checksum makes a torn last line (power cut mid-write) or a flipped bit detectable, so a damaged line is
 * skipped and counted instead of being published with wrong content. Every file starts with a header line that
 * names the format and its version; a file with another header is never read or appended to.
 */
import { crc32 } from 'node:zlib';
import type { OutboundMessage } from './outbound-message.ts';

export const FORMAT_VERSION = 1;
const SEGMENT_FORMAT = 'smartmeter-bridge/offline-queue/segment';
const REMOVED_FORMAT = 'smartmeter-bridge/offline-queue/removed';

export type QueueFileKind = 'segment' | 'removed';

export interface StoredRecord {
  seq: number;
  message: OutboundMessage;
}

function checksum(json: string): string {
  return crc32(json).toString(16).padStart(8, '0');
}

function encodeLine(value: unknown): string {
  const json = JSON.stringify(value);
  return `${checksum(json)} ${json}\n`;
}

/** The JSON of a line whose checksum matches, or undefined for a damaged line. */
function decodeLine(line: string): unknown {
  if (line.length < 10 || line[8] !== ' ') return undefined;
  const json = line.slice(9);
  if (checksum(json) !== line.slice(0, 8)) return undefined;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

const formatName = (kind: QueueFileKind): string => (kind === 'segment' ? SEGMENT_FORMAT : REMOVED_FORMAT);

export function encodeHeader(kind: QueueFileKind): string {
  return encodeLine({ format: formatName(kind), version: FORMAT_VERSION });
}

function isHeader(json: unknown, kind: QueueFileKind): boolean {
  if (typeof json !== 'object' || json === null) return false;
  const { format, version } = json as { format?: unknown; version?: unknown };
  return format === formatName(kind) && version === FORMAT_VERSION;
}

export function encodeRecord({ seq, message }: StoredRecord): string {
  const { topic, payload, qos, retain } = message;
  const binary = typeof payload !== 'string';
  return encodeLine({
    seq,
    topic,
    qos,
    retain,
    // Bytes travel as base64 so a binary payload survives JSON unchanged; text stays readable for whoever inspects the file.
    ...(binary
      ? { base64: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64') }
      : { text: payload }),
  });
}

export function encodeRemoved(seq: number): string {
  return encodeLine({ removed: seq });
}

const isSeq = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

function toRecord(value: unknown): StoredRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (!isSeq(v.seq) || typeof v.topic !== 'string' || (v.qos !== 0 && v.qos !== 1) || typeof v.retain !== 'boolean')
    return undefined;
  let payload: string | Uint8Array;
  if (typeof v.text === 'string') payload = v.text;
  else if (typeof v.base64 === 'string') payload = new Uint8Array(Buffer.from(v.base64, 'base64'));
  else return undefined;
  return { seq: v.seq, message: { topic: v.topic, payload, qos: v.qos, retain: v.retain } };
}

export interface ParsedFile<T> {
  /** False when the header is missing or names another format or version: the whole file is left alone. */
  readable: boolean;
  items: { value: T; bytes: number }[];
  damagedLines: number;
}

function parseFile<T>(text: string, kind: QueueFileKind, toItem: (json: unknown) => T | undefined): ParsedFile<T> {
  const lines = text.split('\n');
  // The text after the last newline is a line whose write did not finish (or nothing at all).
  const unfinished = lines.pop() ?? '';
  // No complete line at all: the file was cut while its header was written, so it never held a record.
  if (lines.length === 0) return { readable: true, items: [], damagedLines: 0 };
  if (!isHeader(decodeLine(lines[0]!), kind)) return { readable: false, items: [], damagedLines: 0 };
  const items: { value: T; bytes: number }[] = [];
  let damagedLines = unfinished.length > 0 ? 1 : 0;
  for (const line of lines.slice(1)) {
    const value = toItem(decodeLine(line));
    if (value === undefined) damagedLines++;
    else items.push({ value, bytes: Buffer.byteLength(line, 'utf8') + 1 });
  }
  return { readable: true, items, damagedLines };
}

export function parseSegment(text: string): ParsedFile<StoredRecord> {
  return parseFile(text, 'segment', toRecord);
}

export function parseRemoved(text: string): ParsedFile<number> {
  return parseFile(text, 'removed', (json) => {
    const seq = typeof json === 'object' && json !== null ? (json as { removed?: unknown }).removed : undefined;
    return isSeq(seq) ? seq : undefined;
  });
}
