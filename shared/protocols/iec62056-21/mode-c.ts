/**
 * The reading side of an IEC 62056-21 mode C data readout, as a state machine without timers or I/O: the sign-on
 * request `/?<address>!CR LF` at 300 baud 7E1, the identification `/XXXZ<ident>CR LF`, the acknowledgement/option
 * select `ACK 0 Z 0 CR LF` (normal protocol, baud rate Z, data readout), then at the new rate the data message
 * `STX <data block> ! CR LF ETX BCC`, its BCC being the XOR of every character after STX up to and including ETX.
 * Identifications with a letter A-I (mode B) switch the rate without an acknowledgement; any other Z (mode A) keeps
 * 300 baud. The runtime (electron/core/transports/iec-mode-c.ts) does the waiting and the line changes the steps ask for.
 */
import { decodeError, type DecodeError } from '../types.ts';
import { MAX_READOUT_LENGTH } from './framer.ts';

/** The standard's timing, in milliseconds. */
export interface ModeCTiming {
  /** The shortest reaction time: the meter may not see our next message sooner after it sent its own. */
  reactionMinMs: number;
  /** The longest reaction time, and the longest pause between two characters of one message. */
  reactionMaxMs: number;
  /** From starting to send the acknowledgement to switching our rate: the 6 characters take 200 ms at 300 baud. */
  switchAfterAckMs: number;
}

export const MODE_C_TIMING: Readonly<ModeCTiming> = { reactionMinMs: 200, reactionMaxMs: 1500, switchAfterAckMs: 300 };

/** Every mode C exchange starts at 300 baud, 7 data bits, even parity, 1 stop bit. */
export const SIGN_ON_LINE = { baudRate: 300, dataBits: 7, parity: 'even', stopBits: 1 } as const;

/** A device address: up to 32 digits, letters and spaces; empty addresses whichever meter is at the optical port. */
export const DEVICE_ADDRESS = /^[0-9A-Za-z ]{0,32}$/;

const STX = 0x02;
const ETX = 0x03;
const ACK = 0x06;
const LF = 0x0a;
const SLASH = 0x2f;
const QUESTION = 0x3f;

export function signOnRequest(address = ''): Uint8Array {
  if (!DEVICE_ADDRESS.test(address)) throw new RangeError(`not an IEC 62056-21 device address: ${address}`);
  return ascii(`/?${address}!\r\n`);
}

/** Mode C's baud rate characters `0`..`6`: 300 to 19,200 baud. */
const MODE_C_RATES = [300, 600, 1200, 2400, 4800, 9600, 19200];

export type BaudRateMode = { mode: 'A' } | { mode: 'B' | 'C'; baudRate: number };

/** What the identification's baud rate character Z says: mode C `0`-`6`, mode B `A`-`I`, anything else mode A. */
export function baudRateOf(z: string): BaudRateMode {
  const digit = '0123456'.indexOf(z);
  if (z.length === 1 && digit >= 0) return { mode: 'C', baudRate: MODE_C_RATES[digit]! };
  const letter = 'ABCDEFGHI'.indexOf(z);
  if (z.length === 1 && letter >= 0) return { mode: 'B', baudRate: 600 * 2 ** letter };
  return { mode: 'A' };
}

/** `ACK 0 Z 0 CR LF`: normal protocol, the rate Z, data readout. */
export function optionSelect(baudRate: number): Uint8Array {
  const z = MODE_C_RATES.indexOf(baudRate);
  if (z < 0) throw new RangeError(`mode C has no baud rate ${baudRate}`);
  return Uint8Array.of(ACK, 0x30, 0x30 + z, 0x30, 0x0d, 0x0a);
}

/** XOR of the characters after STX up to and including ETX; parity bits left out. */
export function blockCheck(block: Uint8Array): number {
  let bcc = 0;
  for (const b of block) bcc ^= b;
  return bcc & 0x7f;
}

export type ModeCStep =
  /** Send `ack` (after the reaction time), then switch to `baudRate` `switchAfterAckMs` after starting to send. */
  | { kind: 'acknowledge'; identification: string; ack: Uint8Array; baudRate: number }
  /** Mode B: switch to `baudRate` now, nothing to send. */
  | { kind: 'switch'; identification: string; baudRate: number }
  /** The identification line and the data message with a correct BCC, as the IEC decoder reads them. */
  | { kind: 'readout'; bytes: Uint8Array }
  | { kind: 'failed'; error: DecodeError };

export interface ModeCOptions {
  /** The fastest rate to ask for (some optical heads stop at 9600); default: whatever the meter offers. */
  maxBaudRate?: number;
}

type Phase = 'identification' | 'data' | 'done';

/** One readout: feed it what the port receives; it says what to do next. Bounded by MAX_READOUT_LENGTH. */
export class ModeCReadout {
  private phase: Phase = 'identification';
  private held: number[] = [];
  private identification: number[] = [];

  constructor(private readonly options: ModeCOptions = {}) {}

  get finished(): boolean {
    return this.phase === 'done';
  }

  receive(chunk: Uint8Array): ModeCStep[] {
    const steps: ModeCStep[] = [];
    for (const byte of chunk) {
      if (this.phase === 'done') break;
      // A port left at 8 bits delivers 7E1 characters with their parity bit: the character is the low 7 bits.
      const step = this.phase === 'identification' ? this.identify(byte & 0x7f) : this.collect(byte & 0x7f);
      if (step) steps.push(step);
    }
    return steps;
  }

  private identify(byte: number): ModeCStep | null {
    if (this.held.length === 0 && byte !== SLASH) return null; // wake-up bytes, noise
    this.held.push(byte);
    if (this.held.length > 128) return this.fail('syntax', 'no IEC 62056-21 identification line within 128 bytes');
    if (byte !== LF) return null;
    const line = this.held;
    this.held = [];
    if (line[1] === QUESTION) return null; // our request, echoed by a half-duplex optical head
    const text = String.fromCharCode(...line).trim();
    if (!/^\/[A-Za-z]{3}./.test(text)) return this.fail('syntax', `not an identification: ${JSON.stringify(text)}`);
    this.identification = line;
    this.phase = 'data';
    const identification = text.slice(1);
    const offered = baudRateOf(text[4]!);
    if (offered.mode === 'A') return null;
    if (offered.mode === 'B') return { kind: 'switch', identification, baudRate: offered.baudRate };
    const baudRate = Math.min(offered.baudRate, this.options.maxBaudRate ?? Infinity);
    const rate = [...MODE_C_RATES].reverse().find((r) => r <= baudRate) ?? 300;
    return { kind: 'acknowledge', identification, ack: optionSelect(rate), baudRate: rate };
  }

  private collect(byte: number): ModeCStep | null {
    if (this.held.length === 0 && byte !== STX) return null; // the echoed acknowledgement, noise at the switch
    this.held.push(byte);
    if (this.held.length > MAX_READOUT_LENGTH) {
      return this.fail('syntax', `an IEC 62056-21 data message over ${MAX_READOUT_LENGTH} bytes`);
    }
    const n = this.held.length;
    if (n < 3 || this.held[n - 2] !== ETX) return null;
    this.phase = 'done';
    const message = Uint8Array.from(this.held);
    const expected = blockCheck(message.subarray(1, n - 1));
    if (expected !== byte) {
      const hex = (b: number) => b.toString(16).padStart(2, '0').toUpperCase();
      return this.fail('crc', `the data message's BCC is ${hex(byte)}, its characters give ${hex(expected)}`);
    }
    return { kind: 'readout', bytes: Uint8Array.from([...this.identification, ...message]) };
  }

  private fail(kind: DecodeError['kind'], message: string): ModeCStep {
    this.phase = 'done';
    return { kind: 'failed', error: decodeError(kind, message) };
  }
}

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}
