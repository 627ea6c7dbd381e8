/**
 * USB sticks' own serial framing around wireless M-Bus telegrams (iM871A HCI, Amber command mode): fixtures built
 * by our stick encoders around our frame encoder, decoded with `wmbusStick` to the same messages as the plain frames.
 */
import { describe, expect, it } from 'vitest';
import { reflectedCrc16 } from '../../../shared/protocols/crc16.ts';
import type { DecodeOutput } from '../../../shared/protocols/types.ts';
import {
  AMBER_COMMAND,
  amberInit,
  encodeAmberCommand,
  encodeAmberTelegram,
} from '../../../shared/protocols/wmbus/sticks/amber.ts';
import {
  encodeHciMessage,
  encodeHciTelegram,
  HCI_ENDPOINT,
  IM871A_RULES,
  im871aInit,
} from '../../../shared/protocols/wmbus/sticks/im871a.ts';
import { concat, decodeAll, heatFrame, KEY, only, waterFrame } from './fixtures.ts';

const plainMessages = (frames: Uint8Array[], key?: Uint8Array) =>
  decodeAll(frames, { key }).map((o) => (o.ok ? o.message : o.error));
const kinds = (outputs: DecodeOutput[]) => outputs.map((o) => (o.ok ? 'ok' : o.error.kind));
const byteAtATime = (bytes: Uint8Array) => Array.from(bytes, (b) => Uint8Array.of(b));

describe('IMST iM871A / iU891A (WMBus HCI)', () => {
  const frames = [waterFrame(), heatFrame({ security: { mode: 5, key: KEY } }), waterFrame({ accessNumber: 0x43 })];

  it('unwraps telegrams with and without CRC, RSSI and time stamp into the messages of the plain frames', () => {
    const stream = concat([
      encodeHciTelegram(frames[0]!),
      encodeHciTelegram(frames[1]!, { rssi: 0x8c, timestamp: 0x01020304 }),
      encodeHciTelegram(frames[2]!, { crc: false, rssi: 0x70 }),
    ]);
    const outputs = decodeAll([stream], { wmbusStick: 'im871a', key: KEY });
    expect(outputs.map((o) => (o.ok ? o.message : o.error))).toEqual(plainMessages(frames, KEY));
    expect(decodeAll(byteAtATime(stream), { wmbusStick: 'im871a', key: KEY })).toEqual(outputs);
  });

  it("passes over the stick's answers to commands and resynchronises after garbage and a damaged message", () => {
    const answer = encodeHciMessage(HCI_ENDPOINT.deviceManagement, 0x04, Uint8Array.of(0x00));
    const damaged = encodeHciTelegram(frames[0]!);
    damaged[8]! ^= 0x01;
    const stream = concat([Uint8Array.of(0x00, 0xa5, 0x13), answer, damaged, encodeHciTelegram(frames[2]!)]);
    const outputs = decodeAll([stream], { wmbusStick: 'im871a' });
    expect(kinds(outputs)).toEqual(['syntax', 'syntax', 'ok']);
    expect(only(outputs.slice(2)).device.accessNumber).toBe(0x43);
  });

  it('reports a stream that ends inside a message as truncated', () => {
    const cut = encodeHciTelegram(frames[0]!).subarray(0, 12);
    expect(kinds(decodeAll([cut], { wmbusStick: 'im871a' }))).toEqual(['truncated']);
  });

  it('computes the HCI CRC as CRC-16/X.25 (check value 0x906E; a message with its CRC leaves the residue 0x0F47)', () => {
    const x25 = reflectedCrc16({ poly: 0x8408, init: 0xffff, xorOut: 0xffff });
    expect(x25(new TextEncoder().encode('123456789'))).toBe(0x906e);
    const message = encodeHciTelegram(frames[0]!);
    expect(x25(message, 1) ^ 0xffff).toBe(0xf0b8);
  });

  it('initialises the stick with a device configuration request: T1, C1 or S1, held until it restarts', () => {
    const [t1] = im871aInit('T1');
    expect(Array.from(t1!.subarray(0, 10))).toEqual([0xa5, 0x81, 0x03, 0x06, 0x00, 0x03, 0x00, 0x03, 0x08, 0x00]);
    expect(IM871A_RULES.intact(t1!)).toBe(true);
    expect(im871aInit('C1')[0]![7]).toBe(0x06);
    expect(im871aInit('S1')[0]![7]).toBe(0x00);
  });
});

describe('Amber AMB8465 / AMB8665 (command mode)', () => {
  const frames = [waterFrame(), heatFrame(), waterFrame({ accessNumber: 0x43 })];

  it('unwraps CMD_DATA_IND telegrams into the messages of the plain frames', () => {
    const stream = concat(frames.map((f) => encodeAmberTelegram(f)));
    const outputs = decodeAll(byteAtATime(stream), { wmbusStick: 'amber' });
    expect(outputs.map((o) => (o.ok ? o.message : o.error))).toEqual(plainMessages(frames));
  });

  it('drops the RSSI byte a stick with CMD_OUT_RSSI appends, once a telegram shows it', () => {
    const stream = concat(frames.map((f, i) => encodeAmberTelegram(f, 0x40 + i)));
    const outputs = decodeAll([stream], { wmbusStick: 'amber' });
    expect(outputs.map((o) => (o.ok ? o.message : o.error))).toEqual(plainMessages(frames));
  });

  it('passes over answers, and a message with a wrong checksum is skipped as one error', () => {
    const answer = encodeAmberCommand(AMBER_COMMAND.setMode | 0x80, Uint8Array.of(0x00));
    const damaged = encodeAmberTelegram(frames[0]!);
    damaged[damaged.length - 1]! ^= 0x01;
    const outputs = decodeAll([concat([answer, damaged, encodeAmberTelegram(frames[2]!)])], { wmbusStick: 'amber' });
    expect(kinds(outputs)).toEqual(['syntax', 'ok']);
    expect(only(outputs.slice(1)).device.accessNumber).toBe(0x43);
  });

  it('sets the receiving mode with CMD_SET_MODE_REQ (checksum: XOR of every byte before it)', () => {
    expect(Array.from(amberInit('T1')[0]!)).toEqual([0xff, 0x04, 0x01, 0x08, 0xf2]);
    expect(Array.from(amberInit('C1')[0]!)).toEqual([0xff, 0x04, 0x01, 0x0e, 0xf4]);
    expect(Array.from(amberInit('S1')[0]!)).toEqual([0xff, 0x04, 0x01, 0x03, 0xf9]);
  });
});
