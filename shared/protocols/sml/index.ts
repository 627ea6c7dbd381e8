/**
 * SML 1.04 (German eHZ/EDL21 meters read by an IR head): a byte stream in, one ObisMessage per SML file out, typed
 * errors for damaged, cut-off or unreadable files.
 */
import type { DecodeOutput, StreamDecoder } from '../types.ts';
import { decodeFile } from './file.ts';
import { SmlFramer, type SmlFrame } from './framer.ts';

export { decodeFile } from './file.ts';
export { encodeSmlFile, type SmlEntrySpec, type SmlFileSpec } from './encode.ts';
export { MAX_FILE_LENGTH, SmlFramer, type SmlFrame } from './framer.ts';

function decodeFrame(frame: SmlFrame): DecodeOutput {
  return frame.kind === 'file' ? decodeFile(frame.bytes) : { ok: false, error: frame.error };
}

/** Most pushes of a slow line complete no frame: they share one frozen empty result (no caller adds to one). */
const NOTHING = Object.freeze<DecodeOutput[]>([]) as DecodeOutput[];
const decodeFrames = (frames: SmlFrame[]): DecodeOutput[] => (frames.length === 0 ? NOTHING : frames.map(decodeFrame));

export function createSmlDecoder(): StreamDecoder {
  const framer = new SmlFramer();
  return {
    push: (chunk) => decodeFrames(framer.push(chunk)),
    end: () => decodeFrames(framer.end()),
  };
}
