/**
 * The offline queue's in-memory index of its segment files: which records each file holds, in sequence order, and
 * what state each record is in. A segment file is `segment-<first seq>.log`; only the process that created a segment
 * appends to it, so a line cut by a crash is never followed by new data.
 */
import type { FileHandle } from 'node:fs/promises';
import type { OutboundMessage } from './outbound-message.ts';

export interface Segment {
  file: string;
  firstSeq: number;
  entries: Entry[];
  remaining: number;
  bytes: number;
  /** Only a segment created by this process is appended to. */
  appendable: boolean;
  /** Open while this process appends to the segment: one open per segment, not per write. */
  handle: FileHandle | undefined;
  /** Entries before this index are known not to be ready (a hint that keeps take() from rescanning). */
  scanFrom: number;
}

export interface Entry {
  seq: number;
  bytes: number;
  segment: Segment;
  index: number;
  state: 'ready' | 'leased' | 'removed';
  lease: number;
  /** Kept in memory only while needed; otherwise read back from the segment file. */
  message: OutboundMessage | undefined;
}

export const SEGMENT_FILE = /^segment-(\d{16})\.log$/;

export const segmentFileName = (firstSeq: number): string => `segment-${String(firstSeq).padStart(16, '0')}.log`;

export function newSegment(file: string, firstSeq: number, appendable: boolean): Segment {
  return { file, firstSeq, entries: [], remaining: 0, bytes: 0, appendable, handle: undefined, scanFrom: 0 };
}

export async function closeHandle(segment: Segment): Promise<void> {
  const handle = segment.handle;
  segment.handle = undefined;
  await handle?.close();
}
