/**
 * The USB sticks a wireless M-Bus meter is read through, each with its own serial framing around the telegrams, its
 * line settings and the commands that put it into a receiving mode: `im871a` (IMST iM871A, iU891A), `amber` (Amber
 * AMB8465, AMB8665 in command mode) and `raw` (sticks passing plain frames from the L-field, with or without CRCs:
 * Amber in transparent mode, CUL-type receivers, a capture).
 */
import { type FrameEvent, WmbusFramer } from '../framer.ts';
import { AMBER_RULES, amberInit, encodeAmberTelegram } from './amber.ts';
import { encodeHciTelegram, IM871A_RULES, im871aInit } from './im871a.ts';
import type { WmbusLinkMode, WmbusStick } from './names.ts';
import { StartByteFramer } from './start-byte-framer.ts';

export { WMBUS_LINK_MODES, WMBUS_STICKS, type WmbusLinkMode, type WmbusStick } from './names.ts';

export interface StickFramer {
  push(chunk: Uint8Array): FrameEvent[];
  end(): FrameEvent[];
}

export interface StickProfile {
  baudRate: number;
  framer(): StickFramer;
  /** What to write once the port is open so that the stick receives meters in `mode`; nothing for `raw`. */
  init(mode: WmbusLinkMode): Uint8Array[];
  /** Whether a received telegram may end in an RSSI byte the framing does not mark (Amber's CMD_OUT_RSSI). */
  trailingRssi: boolean;
  /** What the stick sends for a received telegram (`plain` from its L-field, no CRCs): simulator and fixtures. */
  wrap(plain: Uint8Array, rssi?: number): Uint8Array;
}

export const STICKS: Record<WmbusStick, StickProfile> = {
  im871a: {
    baudRate: 57600,
    framer: () => new StartByteFramer(IM871A_RULES),
    init: im871aInit,
    trailingRssi: false,
    wrap: (plain, rssi) => encodeHciTelegram(plain, { rssi }),
  },
  amber: {
    baudRate: 9600,
    framer: () => new StartByteFramer(AMBER_RULES),
    init: amberInit,
    trailingRssi: true,
    wrap: encodeAmberTelegram,
  },
  raw: { baudRate: 9600, framer: () => new WmbusFramer(), init: () => [], trailingRssi: false, wrap: (plain) => plain },
};
