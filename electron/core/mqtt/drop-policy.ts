/**
 * What the offline queue drops when a cap is exceeded: the oldest records, down to 1 % below the cap, so a queue that
 * stays full drops in batches (one event per batch) rather than one record per append.
 */
import type { Entry, Segment } from './queue-segment.ts';

export interface QueueCaps {
  maxMessages: number;
  maxBytes: number;
}

/** The oldest live entries to drop so that `messages` and `bytes` end 1 % below their caps; none while within them. */
export function entriesToDrop(segments: readonly Segment[], caps: QueueCaps, messages: number, bytes: number): Entry[] {
  if (messages <= caps.maxMessages && bytes <= caps.maxBytes) return [];
  const messageTarget = caps.maxMessages - Math.floor(caps.maxMessages / 100);
  const byteTarget = caps.maxBytes - Math.floor(caps.maxBytes / 100);
  const drop: Entry[] = [];
  for (const segment of segments) {
    for (const entry of segment.entries) {
      if (messages <= messageTarget && bytes <= byteTarget) return drop;
      if (entry.state === 'removed') continue;
      drop.push(entry);
      messages--;
      bytes -= entry.bytes;
    }
  }
  return drop;
}
