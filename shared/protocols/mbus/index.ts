/**
 * EN 13757-3 M-Bus decoder: link framing (link.ts) feeding the application layer (application.ts).
 * Bytes in, MbusMessages or typed errors out; never throws.
 */
import type { DecodeOutput, DecoderOptions, StreamDecoder } from '../types.ts';
import { decodeApplication } from './application.ts';
import { type LinkEvent, MbusFramer } from './link.ts';

export { decodeApplication } from './application.ts';
export { checksum, MbusFramer, type LongFrame } from './link.ts';

export function createMbusDecoder(options: DecoderOptions = {}): StreamDecoder {
  const framer = new MbusFramer();
  const decode = (events: LinkEvent[]): DecodeOutput[] =>
    events.map((e) =>
      'error' in e ? { ok: false, error: e.error } : decodeApplication(e.frame.ci, e.frame.body, options.timeZone),
    );
  return {
    push: (chunk) => decode(framer.push(chunk)),
    end: () => decode(framer.end()),
  };
}
