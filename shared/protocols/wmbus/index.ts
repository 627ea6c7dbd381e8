/**
 * Wireless M-Bus (EN 13757-4 link layer, OMS transport and security, EN 13757-3 records): frames from a receiver's
 * byte stream in, MbusMessages (protocol `wmbus`) or typed errors out; never throws.
 */
import type { DecodeOutput, DecoderOptions, StreamDecoder } from '../types.ts';
import { decodeFrame, type WmbusKeys } from './application.ts';
import { CompactFormats } from './compact.ts';
import { type FrameEvent, WmbusFramer } from './framer.ts';

export { decodeFrame } from './application.ts';
export { WmbusFramer } from './framer.ts';

export function createWmbusDecoder(options: DecoderOptions = {}): StreamDecoder {
  const framer = new WmbusFramer();
  const formats = new CompactFormats();
  const keys: WmbusKeys = { key: options.key, meterKey: options.meterKey, timeZone: options.timeZone };
  const decode = (events: FrameEvent[]): DecodeOutput[] =>
    events.map((e) => ('error' in e ? { ok: false, error: e.error } : decodeFrame(e.frame, keys, formats)));
  return {
    push: (chunk) => decode(framer.push(chunk)),
    end: () => decode(framer.end()),
  };
}
