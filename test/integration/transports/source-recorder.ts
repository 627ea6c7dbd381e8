/** What the transport tests watch of a running byte source: its states, its chunks, and the meters in those chunks. */
import type { ByteSource, SourceState } from '../../../electron/core/transports/byte-source.ts';
import { createDecoder } from '../../../shared/protocols/decode.ts';

export interface Seen {
  states: SourceState[];
  chunks: Uint8Array[];
}

/** Starts `source` and records what it emits. */
export function record(source: ByteSource): Seen {
  const seen: Seen = { states: [], chunks: [] };
  source.on('state', (s) => seen.states.push(s));
  source.on('data', (c) => seen.chunks.push(c));
  source.start();
  return seen;
}

/** The meter ID of every DSMR telegram in the chunks, or the error kind where one failed. */
export function meterIds(chunks: Uint8Array[]): string[] {
  const decoder = createDecoder('dsmr');
  return chunks.flatMap((c) => decoder.push(c)).map((o) => (o.ok ? (o.message.meterId ?? '?') : o.error.kind));
}
