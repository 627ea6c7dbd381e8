/**
 * DSMR P1 (NL DSMR 2.2-5.0, BE e-MUCS, LU Smarty, SE, AT, CH, HU, EasyMeter Q3D): a byte stream in, one ObisMessage
 * per telegram out, typed errors for damaged, cut-off or undecryptable ones.
 */
import type { DecodeOutput, DecoderOptions, StreamDecoder } from '../types.ts';
import { parseCipheredTelegram } from './encrypted.ts';
import { P1Framer, type P1Frame } from './framer.ts';
import { parseTelegram } from './telegram.ts';

export { crc16 } from './crc16.ts';
export {
  encodeHexAscii,
  encodeTelegram,
  fixed,
  type TelegramGroup,
  type TelegramLine,
  type TelegramSpec,
} from './encode.ts';
export { MAX_FRAME_LENGTH, P1Framer, type P1Frame } from './framer.ts';
export { lookupObis, type ObisEntry } from './obis-table.ts';
export { parseCipheredTelegram } from './encrypted.ts';
export { parseTelegram } from './telegram.ts';
export { formatDsmrTime, parseDsmrTime } from './timestamp.ts';

export function createDsmrDecoder(options: DecoderOptions = {}): StreamDecoder {
  const framer = new P1Framer();
  // Made once per decoder, not per push: a slow line pushes every byte on its own.
  const decodeFrame = (frame: P1Frame): DecodeOutput => {
    if (frame.kind === 'error') return { ok: false, error: frame.error };
    return frame.kind === 'telegram'
      ? parseTelegram(frame.bytes, options)
      : parseCipheredTelegram(frame.bytes, options);
  };
  const decode = (frames: readonly P1Frame[]): DecodeOutput[] => frames.map(decodeFrame);
  return {
    push: (chunk) => decode(framer.push(chunk)),
    end: () => decode(framer.end()),
  };
}
