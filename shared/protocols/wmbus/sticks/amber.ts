/**
 * Amber (Würth Elektronik) AMB8465 and AMB8665 USB sticks in command mode. The command frame and its checksum are
 * those of the AMB8xxx-M manuals; the data indication's layout and the mode values are as public host
 * implementations use them (the AMB8465 manual's tables were not at hand here). UART 9600 8N1 by default; a message
 * is 0xFF, the command, the payload length, the payload and a checksum, the XOR of every byte before it (0xFF
 * included). The stick answers a request with the command | 0x80. A received telegram is CMD_DATA_IND (0x03): the
 * frame from its C-field on, CRCs checked and removed, followed by one RSSI byte when the stick's CMD_OUT_RSSI
 * parameter is set (the payload length then counts it). In transparent mode the stick passes plain frames from the
 * L-field instead: that is `stick: raw`.
 */
import { isControlField } from '../link.ts';
import { type StickMessageRules, withLField } from './start-byte-framer.ts';

export const AMBER_START = 0xff;
export const AMBER_COMMAND = { dataIndication: 0x03, setMode: 0x04 } as const;
/** CMD_SET_MODE_REQ's modes for a receiver of meters' telegrams (the "other" side of each mode). */
export const AMBER_MODE = { T1: 0x08, C1: 0x0e, S1: 0x03 } as const;

const HEADER = 3;

const xor = (bytes: Uint8Array, end: number): number => {
  let sum = 0;
  for (let i = 0; i < end; i++) sum ^= bytes[i]!;
  return sum;
};

export const AMBER_RULES: StickMessageRules = {
  name: 'Amber command mode',
  start: AMBER_START,
  header: HEADER,
  // The stick sends telegrams and answers (the request's command | 0x80), nothing else.
  plausible: (h) => h[1] === AMBER_COMMAND.dataIndication || (h[1]! & 0x80) !== 0,
  length: (h) => HEADER + h[2]! + 1,
  intact: (m) => m[m.length - 1] === xor(m, m.length - 1),
  frame: (m) =>
    m[1] === AMBER_COMMAND.dataIndication && m[2]! > 0 && isControlField(m[HEADER]!)
      ? withLField(m.subarray(HEADER, m.length - 1))
      : null,
};

export function encodeAmberCommand(command: number, payload: Uint8Array): Uint8Array {
  const message = Uint8Array.from([AMBER_START, command, payload.length, ...payload, 0]);
  message[message.length - 1] = xor(message, message.length - 1);
  return message;
}

/** A received telegram as the stick passes it on (`plain` from its L-field, without CRCs), with its RSSI byte. */
export function encodeAmberTelegram(plain: Uint8Array, rssi?: number): Uint8Array {
  const payload = rssi === undefined ? plain.subarray(1) : Uint8Array.from([...plain.subarray(1), rssi & 0xff]);
  return encodeAmberCommand(AMBER_COMMAND.dataIndication, payload);
}

/** Sets the receiving mode until the stick restarts; its stored parameters stay as they are. */
export function amberInit(mode: keyof typeof AMBER_MODE): Uint8Array[] {
  return [encodeAmberCommand(AMBER_COMMAND.setMode, Uint8Array.of(AMBER_MODE[mode]))];
}
