import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../../shared/protocols/decode.ts';
import { createDsmrDecoder, encodeTelegram, MAX_FRAME_LENGTH } from '../../../shared/protocols/dsmr/index.ts';
import type { DecodeOutput, StreamDecoder } from '../../../shared/protocols/types.ts';
import { AM550_SERIAL, am550Telegram, ascii, concat } from './fixtures.ts';

function feed(decoder: StreamDecoder, bytes: Uint8Array, chunkSize = bytes.length): DecodeOutput[] {
  const out: DecodeOutput[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) out.push(...decoder.push(bytes.subarray(i, i + chunkSize)));
  return [...out, ...decoder.end()];
}

function summary(outputs: DecodeOutput[]): string[] {
  return outputs.map((o) => (o.ok ? `ok ${o.message.meterId}` : o.error.kind));
}

describe('createDsmrDecoder', () => {
  const telegram = am550Telegram();

  it('decodes the same from one byte at a time as from the whole', () => {
    const whole = feed(createDsmrDecoder(), concat(telegram, telegram));
    const bytewise = feed(createDsmrDecoder(), concat(telegram, telegram), 1);
    expect(summary(whole)).toEqual([`ok ${AM550_SERIAL}`, `ok ${AM550_SERIAL}`]);
    expect(bytewise).toEqual(whole);
  });

  it('starts over at a telegram that begins in mid-line, after one cut off (even byte by byte)', () => {
    const cut = telegram.subarray(0, Math.floor(telegram.length / 2));
    for (const size of [telegram.length * 2, 1]) {
      expect(summary(feed(createDsmrDecoder(), concat(cut, telegram), size))).toEqual([
        'truncated',
        `ok ${AM550_SERIAL}`,
      ]);
    }
  });

  it('emits a telegram as soon as its CRC line is complete', () => {
    const decoder = createDsmrDecoder();
    expect(decoder.push(telegram.subarray(0, telegram.length - 1))).toEqual([]);
    expect(summary(decoder.push(telegram.subarray(telegram.length - 1)))).toEqual([`ok ${AM550_SERIAL}`]);
  });

  it('skips garbage before, between and after telegrams', () => {
    const noise = Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff).filter(
      (b) => b !== 0x2f && b !== 0xdb,
    );
    const stream = concat(noise, telegram, ascii('  25818685\r\nDE00000003\r\n'), noise, telegram, noise);
    expect(summary(feed(createDsmrDecoder(), stream, 7))).toEqual([`ok ${AM550_SERIAL}`, `ok ${AM550_SERIAL}`]);
  });

  it('does not take a / inside a line for the start of a telegram', () => {
    const stream = concat(ascii('noise/with/slashes\r\n'), telegram);
    expect(summary(feed(createDsmrDecoder(), stream))).toEqual([`ok ${AM550_SERIAL}`]);
  });

  it('reports a telegram cut off by the next one and decodes the next one', () => {
    const cut = telegram.subarray(0, telegram.length >> 1);
    const lineEnd = cut.lastIndexOf(0x0a) + 1;
    const stream = concat(cut.subarray(0, lineEnd), telegram);
    expect(summary(feed(createDsmrDecoder(), stream, 5))).toEqual(['truncated', `ok ${AM550_SERIAL}`]);
  });

  it('reports a telegram the stream ends inside as truncated', () => {
    expect(summary(feed(createDsmrDecoder(), telegram.subarray(0, 100)))).toEqual(['truncated']);
  });

  it('takes a telegram whose CRC line lacks only its line break at the end of the stream', () => {
    expect(summary(feed(createDsmrDecoder(), telegram.subarray(0, telegram.length - 2)))).toEqual([
      `ok ${AM550_SERIAL}`,
    ]);
  });

  it('ends a telegram whose CRC line runs straight into the next telegram', () => {
    const stream = concat(telegram.subarray(0, telegram.length - 2), telegram);
    expect(summary(feed(createDsmrDecoder(), stream, 3))).toEqual([`ok ${AM550_SERIAL}`, `ok ${AM550_SERIAL}`]);
  });

  it('reports an over-long telegram instead of growing, and recovers', () => {
    const line = ascii('0-0:96.13.0(' + '41'.repeat(60) + ')\r\n');
    const endless = concat(ascii('/XMX5LGBBFG1009\r\n\r\n'), ...Array.from({ length: 200 }, () => line));
    expect(endless.length).toBeGreaterThan(MAX_FRAME_LENGTH);
    const decoder = createDsmrDecoder();
    const outputs = feed(decoder, concat(endless, ascii('\r\n'), telegram), 1000);
    expect(summary(outputs)).toEqual(['syntax', `ok ${AM550_SERIAL}`]);
    expect(outputs[0]!.ok ? '' : outputs[0]!.error.message).toContain(String(MAX_FRAME_LENGTH));
  });

  it('keeps decoding after a damaged telegram', () => {
    const damaged = telegram.slice();
    damaged[50] = damaged[50]! ^ 0x01;
    expect(summary(feed(createDsmrDecoder(), concat(damaged, telegram)))).toEqual(['crc', `ok ${AM550_SERIAL}`]);
  });
});

describe('random noise', () => {
  /** mulberry32: seeded, so a failure replays. */
  function noise(length: number, seed: number): Uint8Array {
    const out = new Uint8Array(length);
    let a = seed;
    for (let i = 0; i < length; i++) {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      out[i] = (t ^ (t >>> 14)) & 0xff;
    }
    return out;
  }

  it('is never a telegram: a / line and a ! line with neither values nor CRC between them is noise', () => {
    const out = createDsmrDecoder().push(encodeTelegram({ header: 'x\u00fe', lines: ['\u0001Q'], crc: 'none' }));
    expect(out).toEqual([{ ok: false, error: expect.objectContaining({ kind: 'syntax' }) }]);
    for (const protocol of ['dsmr', 'auto'] as const) {
      const ok = feed(createDecoder(protocol), noise(4 << 20, 12), 4096).filter((o) => o.ok);
      expect(ok, protocol).toEqual([]);
    }
  });
});
