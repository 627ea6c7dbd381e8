/**
 * Wireless M-Bus (EN 13757-4 link layer, OMS transport and security, EN 13757-3 records): frames from a receiver's
 * byte stream in (unwrapped from the USB stick's own framing, see sticks/), MbusMessages (protocol `wmbus`) or typed
 * errors out; never throws.
 */
import type { DecodeOutput, DecoderOptions, StreamDecoder } from '../types.ts';
import { decodeFrame, type WmbusKeys } from './application.ts';
import { CompactFormats } from './compact.ts';
import type { FrameEvent } from './framer.ts';
import { STICKS } from './sticks/index.ts';

export { decodeFrame } from './application.ts';
export { WmbusFramer } from './framer.ts';

export function createWmbusDecoder(options: DecoderOptions = {}): StreamDecoder {
  const stick = STICKS[options.wmbusStick ?? 'raw'];
  const framer = stick.framer();
  const formats = new CompactFormats();
  const keys: WmbusKeys = { key: options.key, meterKey: options.meterKey, timeZone: options.timeZone };
  /** Whether this stick's telegrams end in an RSSI byte: unknown until a frame decodes only without it. */
  let rssi: boolean | undefined = stick.trailingRssi ? undefined : false;
  const decodeOne = (frame: Uint8Array): DecodeOutput => {
    if (rssi === true) return decodeFrame(withoutRssi(frame), keys, formats);
    const output = decodeFrame(frame, keys, formats);
    if (rssi === false || output.ok || output.error.kind !== 'syntax') return output;
    const stripped = decodeFrame(withoutRssi(frame), keys, formats);
    if (stripped.ok) rssi = true;
    return stripped.ok ? stripped : output;
  };
  const decode = (events: FrameEvent[]): DecodeOutput[] =>
    events.map((e) => ('error' in e ? { ok: false, error: e.error } : decodeOne(e.frame)));
  return {
    push: (chunk) => decode(framer.push(chunk)),
    end: () => decode(framer.end()),
  };
}

/** The frame without its last byte (the RSSI a stick appended), its L-field shortened to match. */
function withoutRssi(frame: Uint8Array): Uint8Array {
  const plain = frame.slice(0, frame.length - 1);
  plain[0] = plain.length - 1;
  return plain;
}
