import { describe, expect, it } from 'vitest';
import { LineProbe } from '../../../electron/core/transports/line-probe.ts';
import { createDecoder } from '../../../shared/protocols/decode.ts';
import type { DecodeOutput, StreamDecoder } from '../../../shared/protocols/types.ts';
import { dsmr5Telegram } from '../../helpers/dsmr-telegram.ts';

const probe = (): LineProbe => new LineProbe(createDecoder('auto'));

/** A decoder that answers every push with the given outputs, to show what the probe does with each kind. */
const answering = (outputs: DecodeOutput[]): StreamDecoder => ({ push: () => outputs, end: () => [] });

describe('LineProbe', () => {
  it('finds DSMR once a whole telegram came through, also byte by byte', () => {
    const p = probe();
    const telegram = dsmr5Telegram();
    const results = Array.from(telegram, (b) => p.push(Uint8Array.of(b)));
    expect(results.slice(0, -1).every((r) => r === null)).toBe(true);
    expect(results.at(-1)).toEqual({ protocol: 'dsmr', transport: 'p1' });
    expect(p.bytes()).toEqual(telegram);
  });

  it('does not lock on a telegram with a wrong CRC, nor on garbled bytes', () => {
    const telegram = dsmr5Telegram();
    const damaged = telegram.slice();
    damaged[40] = damaged[40]! ^ 0x01;
    const p = probe();
    expect(p.push(damaged)).toBeNull();
    expect(p.push(telegram.map((b) => b ^ 0xff))).toBeNull();
    expect(p.push(telegram)).toEqual({ protocol: 'dsmr', transport: 'p1' });
  });

  it('does not lock on noise that happens to hold a / line and a ! line (no CRC, no values)', () => {
    const noise = new TextEncoder().encode('\x93/\xfe\x01Q\r\n\xa7\x10\n!\x05\xee');
    expect(probe().push(noise)).toBeNull();
  });

  it('does not lock on bare APDUs (no checksum) nor on frames that fail to decrypt', () => {
    const bare: DecodeOutput = { ok: true, message: { protocol: 'dlms', values: [], info: { transport: 'raw' } } };
    const decrypt: DecodeOutput = { ok: false, error: { kind: 'decrypt', message: 'set the encryption key' } };
    expect(new LineProbe(answering([bare, decrypt])).push(Uint8Array.of(0x0f))).toBeNull();
    const hdlc: DecodeOutput = { ok: true, message: { protocol: 'dlms', values: [], info: { transport: 'hdlc' } } };
    expect(new LineProbe(answering([decrypt, hdlc])).push(Uint8Array.of(0x7e))).toEqual({
      protocol: 'dlms',
      transport: 'hdlc',
    });
  });

  it('keeps at most the most recent 64 KiB', () => {
    const p = new LineProbe(answering([]));
    for (let i = 0; i < 40; i++) p.push(new Uint8Array(4096).fill(i));
    const kept = p.bytes();
    expect(kept.length).toBeLessThanOrEqual(64 * 1024 + 4096);
    expect(kept.at(-1)).toBe(39);
  });
});
