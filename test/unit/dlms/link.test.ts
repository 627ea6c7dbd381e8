import { describe, expect, it } from 'vitest';
import { createDlmsDecoder } from '../../../shared/protocols/dlms/index.ts';
import { encodeDataNotification, encodeHdlc, encodeMbus, encodePush } from '../../../shared/protocols/dlms/encode.ts';
import {
  BIG_PUSH,
  concatBytes,
  errorKinds,
  feed,
  messages,
  registerPush,
  u32,
  valueOf,
  WINTER_NOON,
} from './fixtures.ts';

const small = registerPush([['1-0:1.7.0', u32(1234), 0, 27]]);
const smallApdu = encodeDataNotification(small, { dateTime: WINTER_NOON });

describe('HDLC', () => {
  it('reassembles a push segmented over several frames', () => {
    const wire = encodePush(BIG_PUSH, { transport: 'hdlc', hdlc: { maxInfo: 100 } });
    expect(wire.filter((b) => b === 0x7e).length).toBeGreaterThan(6); // really segmented
    const [message] = messages(feed(createDlmsDecoder(), wire));
    expect(message?.info.transport).toBe('hdlc');
    expect(valueOf(message, '1-0:1.8.39')).toEqual({ value: 100039, unit: 'Wh' });
  });

  it('reads frames that share their flags', () => {
    const wire = encodePush(BIG_PUSH, { transport: 'hdlc', hdlc: { maxInfo: 60, sharedFlags: true } });
    expect(messages(feed(createDlmsDecoder(), wire))).toHaveLength(1);
  });

  it('accepts 2- and 4-byte addresses', () => {
    for (const [destination, source] of [
      [[0x00, 0x03], [0x41]],
      [[0x41], [0x00, 0x02, 0x00, 0x03]],
    ]) {
      const wire = encodeHdlc(smallApdu, { destination, source });
      expect(messages(feed(createDlmsDecoder(), wire)), JSON.stringify({ destination, source })).toHaveLength(1);
    }
  });

  it('reports a corrupted frame as a crc error and still decodes the next one', () => {
    const good = encodeHdlc(smallApdu);
    const bad = good.slice();
    bad[bad.length - 5]! ^= 0x01; // a payload bit flipped on the line
    const out = feed(createDlmsDecoder(), concatBytes(bad, good));
    expect(errorKinds(out)).toEqual(['crc']);
    expect(messages(out)).toHaveLength(1);
  });

  it('skips garbage between frames and decodes byte-by-byte input the same', () => {
    const garbage = Uint8Array.of(0x00, 0x7e, 0x7e, 0x13, 0xff, 0x68, 0x0f, 0x7e, 0xa0);
    const wire = concatBytes(garbage, encodeHdlc(smallApdu), garbage, encodeHdlc(smallApdu), Uint8Array.of(0x55));
    const whole = feed(createDlmsDecoder(), wire);
    expect(messages(whole)).toHaveLength(2);
    expect(feed(createDlmsDecoder(), wire, 1)).toEqual(whole);
  });

  it('reports a frame cut off by the end of the stream', () => {
    const wire = encodeHdlc(smallApdu);
    const out = feed(createDlmsDecoder(), wire.subarray(0, wire.length - 10));
    expect(errorKinds(out)).toEqual(['truncated']);
  });

  it('reports a segmented message whose last frame never came', () => {
    const wire = encodePush(BIG_PUSH, { transport: 'hdlc', hdlc: { maxInfo: 100 } });
    const firstFrameEnd = wire.indexOf(0x7e, 1) + 1;
    const out = feed(createDlmsDecoder(), wire.subarray(0, firstFrameEnd));
    expect(messages(out)).toHaveLength(0);
    expect(errorKinds(out)).toEqual(['truncated']);
  });
});

describe('wired M-Bus', () => {
  it('concatenates numbered segments into one APDU', () => {
    const wire = encodePush(BIG_PUSH, { transport: 'mbus', mbus: { maxSegment: 120 } });
    const out = feed(createDlmsDecoder(), wire, 7);
    const [message] = messages(out);
    expect(message?.info.transport).toBe('mbus');
    expect(valueOf(message, '0-0:42.0.0')).toEqual({ value: 'TST0123456789012', unit: null });
  });

  it('reports a checksum error', () => {
    const wire = encodeMbus(smallApdu);
    wire[10]! ^= 0xff;
    expect(errorKinds(feed(createDlmsDecoder(), wire))).toEqual(['crc']);
  });

  it('drops a message whose segments arrive out of order', () => {
    const wire = encodeMbus(encodeDataNotification(BIG_PUSH), { maxSegment: 100 });
    const frames: Uint8Array[] = [];
    for (let at = 0; at < wire.length; at += wire[at + 1]! + 6) frames.push(wire.subarray(at, at + wire[at + 1]! + 6));
    expect(frames.length).toBeGreaterThan(2);
    const swapped = concatBytes(frames[0]!, frames[2]!, frames[1]!, ...frames.slice(3));
    const out = feed(createDlmsDecoder(), swapped);
    expect(messages(out)).toHaveLength(0);
    expect(errorKinds(out)).toContain('syntax');
  });

  it('points EN 13757-3 frames to the M-Bus decoder', () => {
    const frame = Uint8Array.of(0x68, 0x03, 0x03, 0x68, 0x08, 0x01, 0x72, 0x7b, 0x16);
    const [result] = feed(createDlmsDecoder(), frame);
    expect(result).toMatchObject({ ok: false, error: { kind: 'unsupported' } });
  });
});

describe('bare APDUs', () => {
  it('splits back-to-back data-notifications, with or without LLC header, skipping garbage', () => {
    const wire = concatBytes(
      Uint8Array.of(0x42, 0x42),
      smallApdu,
      Uint8Array.of(0xe6, 0xe7, 0x00),
      smallApdu,
      Uint8Array.of(0x99),
      smallApdu,
    );
    const out = feed(createDlmsDecoder(), wire, 3);
    expect(messages(out).map((m) => m.info.transport)).toEqual(['raw', 'raw', 'raw']);
  });

  it('reports an APDU cut off by the end of the stream', () => {
    const out = feed(createDlmsDecoder(), smallApdu.subarray(0, smallApdu.length - 3));
    expect(errorKinds(out)).toEqual(['truncated']);
  });
});
