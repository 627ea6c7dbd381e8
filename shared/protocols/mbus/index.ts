/**
 * EN 13757-3 M-Bus decoder: link framing (link.ts) feeding the application layer (application.ts), frames of one
 * multi-telegram readout joined (join.ts). Bytes in, MbusMessages or typed errors out; never throws.
 */
import type { DecodeOutput, DecoderOptions, StreamDecoder } from '../types.ts';
import { decodeApplication } from './application.ts';
import { MultiFrameJoiner } from './join.ts';
import { type LinkEvent, MbusFramer } from './link.ts';

export { decodeApplication } from './application.ts';
export { checksum, MbusFramer, type LongFrame } from './link.ts';

export function createMbusDecoder(options: DecoderOptions = {}): StreamDecoder {
  const framer = new MbusFramer();
  const joiner = new MultiFrameJoiner();
  // Made once per decoder, not per push: a slow line pushes every byte on its own.
  const decodeEvent = (e: LinkEvent): DecodeOutput[] =>
    joiner.push(
      'error' in e ? { ok: false, error: e.error } : decodeApplication(e.frame.ci, e.frame.body, options.timeZone),
    );
  const decode = (events: LinkEvent[]): DecodeOutput[] => events.flatMap(decodeEvent);
  return {
    push: (chunk) => decode(framer.push(chunk)),
    end: () => [...decode(framer.end()), ...joiner.end()],
  };
}
