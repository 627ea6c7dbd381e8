/**
 * The meter's side of an IEC 62056-21 mode C data readout, for the simulator and tests: it answers a sign-on request
 * for its address (or none) with its identification, and an acknowledgement selecting data readout with the data
 * message at the rate the acknowledgement names. Without timers or I/O; the caller keeps the reaction time.
 */
import { baudRateOf } from './mode-c.ts';

export interface ModeCReply {
  kind: 'identification' | 'data';
  /** Characters of the message this answers (its time on the line counts before the reaction time). */
  requestLength: number;
  /** Switch to this rate first (the acknowledged one), then send. */
  baudRate: number;
  bytes: Uint8Array;
  /** Back to this rate once sent. */
  thenBaudRate: number;
}

export interface ModeCMeterOptions {
  /** Without the leading `/`; its fifth character (Z) is the fastest rate offered. */
  identification: string;
  /** The address it answers to besides the empty one. */
  address?: string;
  /** The data message (`STX ... ETX BCC`) as of now. */
  dataMessage: () => Uint8Array;
}

const ACK = 0x06;
const LF = 0x0a;

export class ModeCMeter {
  private line: number[] = [];
  private signedOn = false;

  constructor(private readonly options: ModeCMeterOptions) {}

  receive(chunk: Uint8Array): ModeCReply[] {
    const replies: ModeCReply[] = [];
    for (const byte of chunk) {
      this.line.push(byte & 0x7f);
      if (this.line.length > 64) this.line.shift(); // noise never grows it
      if (byte !== LF) continue;
      const reply = this.answer(String.fromCharCode(...this.line));
      if (reply) replies.push({ ...reply, requestLength: this.line.length });
      this.line = [];
    }
    return replies;
  }

  private answer(line: string): Omit<ModeCReply, 'requestLength'> | null {
    const request = /\/\?([0-9A-Za-z ]*)!\r\n$/.exec(line);
    if (request) {
      this.signedOn = request[1] === '' || request[1] === this.options.address;
      if (!this.signedOn) return null;
      return {
        kind: 'identification',
        baudRate: 300,
        bytes: ascii(`/${this.options.identification}\r\n`),
        thenBaudRate: 300,
      };
    }
    const ack = line.lastIndexOf(String.fromCharCode(ACK));
    if (!this.signedOn || ack < 0) return null;
    this.signedOn = false;
    const [v, z, y] = line.slice(ack + 1);
    const rate = baudRateOf(z ?? '');
    // Only a data readout in the normal protocol at a mode C rate up to the one offered is answered here.
    const offered = baudRateOf(this.options.identification[3] ?? '');
    if (v !== '0' || y !== '0' || rate.mode !== 'C' || offered.mode !== 'C' || rate.baudRate > offered.baudRate) {
      return null;
    }
    return { kind: 'data', baudRate: rate.baudRate, bytes: this.options.dataMessage(), thenBaudRate: 300 };
  }
}

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}
