/** IEC 62056-21 (optical "D0" readouts, modes C, D and E): a byte stream in, one ObisMessage per readout out. */
import type { DecodeOutput, StreamDecoder } from '../types.ts';
import { IecFramer, type IecFrame } from './framer.ts';
import { decodeReadout } from './readout.ts';

export { IecFramer, MAX_READOUT_LENGTH, type IecFrame } from './framer.ts';
export { decodeReadout } from './readout.ts';
export { encodeReadout, type ReadoutSpec } from './encode.ts';

function decodeFrame(frame: IecFrame): DecodeOutput {
  return frame.kind === 'readout' ? decodeReadout(frame.identification, frame.data) : { ok: false, error: frame.error };
}

/** Most pushes of a slow line complete no frame: they share one frozen empty result (no caller adds to one). */
const NOTHING = Object.freeze<DecodeOutput[]>([]) as DecodeOutput[];
const decodeFrames = (frames: IecFrame[]): DecodeOutput[] => (frames.length === 0 ? NOTHING : frames.map(decodeFrame));

export function createIecDecoder(): StreamDecoder {
  const framer = new IecFramer();
  return {
    push: (chunk) => decodeFrames(framer.push(chunk)),
    end: () => decodeFrames(framer.end()),
  };
}
