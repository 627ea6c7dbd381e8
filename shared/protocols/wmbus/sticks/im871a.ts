/**
 * IMST iM871A and iU891A USB sticks: the WMBus HCI. The iM871A user manual (3.2) gives the line (57600 8N1) and the
 * message layout; the field values below are those of IMST's HCI specification (WMBus_HCI_Spec), whose full text was
 * not at hand here, as public host implementations agree on them. A message is SOF 0xA5, a byte holding the control
 * field (high nibble: bit 0x20 time stamp, 0x40 RSSI, 0x80 CRC attached) and the endpoint (low nibble: 1 device
 * management, 2 radio link), the message ID, the payload length, the payload, then as flagged a 32-bit time stamp, an
 * RSSI byte and a CRC-16 (X.25 style: reflected 0x8408, initial 0xFFFF, inverted; sent low byte first) over everything
 * after SOF. A received telegram is radio link message 0x03 (WMBUSMSG_IND); its payload is the frame from the C-field
 * on, CRCs checked and removed, the payload length standing in for the L-field.
 */
import { reflectedCrc16 } from '../../crc16.ts';
import { isControlField } from '../link.ts';
import { type StickMessageRules, withLField } from './start-byte-framer.ts';

export const HCI_SOF = 0xa5;
export const HCI_FLAG = { timestamp: 0x20, rssi: 0x40, crc: 0x80 } as const;
export const HCI_ENDPOINT = { deviceManagement: 0x01, radioLink: 0x02 } as const;
export const HCI_MESSAGE = { setConfigRequest: 0x03, wmbusIndication: 0x03 } as const;
/** Link modes of the device configuration (HCI specification, "Device Configuration"). */
export const HCI_LINK_MODE = { T1: 0x03, C1: 0x06, S1: 0x00 } as const;

const hciCrc = reflectedCrc16({ poly: 0x8408, init: 0xffff, xorOut: 0xffff });
const HEADER = 4;

/** The bytes a message's flags add after its payload. */
function trailer(control: number): number {
  return (control & HCI_FLAG.timestamp ? 4 : 0) + (control & HCI_FLAG.rssi ? 1 : 0) + (control & HCI_FLAG.crc ? 2 : 0);
}

export const IM871A_RULES: StickMessageRules = {
  name: 'iM871A HCI',
  start: HCI_SOF,
  header: HEADER,
  // Endpoints 1 to 4 (device management, radio link, radio link test, hardware test); bit 0x10 is reserved.
  plausible: (h) => (h[1]! & 0x0f) >= 1 && (h[1]! & 0x0f) <= 4 && (h[1]! & 0x10) === 0,
  length: (h) => HEADER + h[3]! + trailer(h[1]!),
  intact(m) {
    const control = m[1]!;
    if (control & HCI_FLAG.crc) {
      const crc = hciCrc(m, 1, m.length - 2);
      return m[m.length - 2] === (crc & 0xff) && m[m.length - 1] === crc >>> 8;
    }
    // Without a CRC only the telegram itself can vouch for the message: its C-field.
    return !isWmbusIndication(m) || (m[3]! > 0 && isControlField(m[HEADER]!));
  },
  frame: (m) => (isWmbusIndication(m) && m[3]! > 0 ? withLField(m.subarray(HEADER, HEADER + m[3]!)) : null),
};

function isWmbusIndication(m: Uint8Array): boolean {
  return (m[1]! & 0x0f) === HCI_ENDPOINT.radioLink && m[2] === HCI_MESSAGE.wmbusIndication;
}

export interface HciOptions {
  crc?: boolean;
  rssi?: number;
  timestamp?: number;
}

/** One HCI message: for the stick's initialisation, and for test fixtures of what a stick sends. */
export function encodeHciMessage(
  endpoint: number,
  messageId: number,
  payload: Uint8Array,
  options: HciOptions = {},
): Uint8Array {
  const { crc = true, rssi, timestamp } = options;
  const control =
    (crc ? HCI_FLAG.crc : 0) |
    (rssi === undefined ? 0 : HCI_FLAG.rssi) |
    (timestamp === undefined ? 0 : HCI_FLAG.timestamp);
  const bytes = [HCI_SOF, control | endpoint, messageId, payload.length, ...payload];
  if (timestamp !== undefined)
    bytes.push(timestamp & 0xff, (timestamp >>> 8) & 0xff, (timestamp >>> 16) & 0xff, timestamp >>> 24);
  if (rssi !== undefined) bytes.push(rssi & 0xff);
  const message = Uint8Array.from([...bytes, 0, 0]).subarray(0, bytes.length + (crc ? 2 : 0));
  if (crc) {
    const value = hciCrc(message, 1, bytes.length);
    message[bytes.length] = value & 0xff;
    message[bytes.length + 1] = value >>> 8;
  }
  return message;
}

/** A received telegram as the stick passes it on: `plain` is the frame from its L-field, without CRCs. */
export function encodeHciTelegram(plain: Uint8Array, options?: HciOptions): Uint8Array {
  return encodeHciMessage(HCI_ENDPOINT.radioLink, HCI_MESSAGE.wmbusIndication, plain.subarray(1), options);
}

/**
 * Puts the stick into a receiving link mode until it restarts (NVM flag 0: its stored configuration stays): the
 * device configuration with device mode "other" (a collector, not a meter), the link mode, and its automatic power
 * saving off so that no telegram is missed.
 */
export function im871aInit(mode: keyof typeof HCI_LINK_MODE): Uint8Array[] {
  const deviceModeAndLinkMode = 0x03;
  const autoPowerSaving = 0x08;
  const payload = Uint8Array.of(0x00, deviceModeAndLinkMode, 0x00, HCI_LINK_MODE[mode], autoPowerSaving, 0x00);
  return [encodeHciMessage(HCI_ENDPOINT.deviceManagement, HCI_MESSAGE.setConfigRequest, payload)];
}
