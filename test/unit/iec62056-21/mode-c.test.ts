/** The mode C exchange as pure state machines: the reader's steps, the meter's answers, and what bad bytes do. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createIecDecoder, encodeReadout } from '../../../shared/protocols/iec62056-21/index.ts';
import { encodeDataMessage } from '../../../shared/protocols/iec62056-21/encode.ts';
import {
  baudRateOf,
  blockCheck,
  ModeCReadout,
  optionSelect,
  signOnRequest,
  type ModeCStep,
} from '../../../shared/protocols/iec62056-21/mode-c.ts';
import { ModeCMeter } from '../../../shared/protocols/iec62056-21/mode-c-meter.ts';
import type { ObisValue } from '../../../shared/protocols/types.ts';

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const KINDS = ['crc', 'truncated', 'decrypt', 'unsupported', 'syntax'];

describe('IEC 62056-21 mode C messages', () => {
  it('spells the sign-on, the option select and the BCC as the standard does', () => {
    expect(signOnRequest()).toEqual(ascii('/?!\r\n'));
    expect(signOnRequest('12345678')).toEqual(ascii('/?12345678!\r\n'));
    expect(optionSelect(9600)).toEqual(ascii('\x06050\r\n'));
    expect(optionSelect(300)).toEqual(ascii('\x06000\r\n'));
    expect(() => optionSelect(115200)).toThrow(RangeError);
    // XOR of everything after STX up to and including ETX.
    expect(blockCheck(ascii('1.8.0(1)\r\n!\r\n\x03'))).toBe(ascii('1.8.0(1)\r\n!\r\n\x03').reduce((x, b) => x ^ b, 0));
  });

  it('reads the baud rate character: mode C digits, mode B letters, anything else mode A', () => {
    expect(['0', '3', '5', '6'].map((z) => baudRateOf(z))).toEqual([
      { mode: 'C', baudRate: 300 },
      { mode: 'C', baudRate: 2400 },
      { mode: 'C', baudRate: 9600 },
      { mode: 'C', baudRate: 19200 },
    ]);
    expect(baudRateOf('A')).toEqual({ mode: 'B', baudRate: 600 });
    expect(baudRateOf('E')).toEqual({ mode: 'B', baudRate: 9600 });
    expect(baudRateOf('7')).toEqual({ mode: 'A' });
  });
});

describe('the reader', () => {
  const steps = (readout: ModeCReadout, text: string | Uint8Array) =>
    readout.receive(typeof text === 'string' ? ascii(text) : text);

  it('acknowledges the rate offered (capped), skipping its echoed request and wake-up noise', () => {
    const readout = new ModeCReadout({ maxBaudRate: 4800 });
    expect(steps(readout, '\x00\x7f/?!\r\n/ISk5MT174-0001\r\n')).toEqual([
      { kind: 'acknowledge', identification: 'ISk5MT174-0001', ack: ascii('\x06040\r\n'), baudRate: 4800 },
    ]);
  });

  it('switches without acknowledging in mode B and reads on in mode A', () => {
    expect(steps(new ModeCReadout(), '/ABCE meter\r\n')).toEqual([
      { kind: 'switch', identification: 'ABCE meter', baudRate: 9600 },
    ]);
    const modeA = new ModeCReadout();
    expect(steps(modeA, '/ABC: meter\r\n')).toEqual([]);
    const data = encodeDataMessage([['1.8.0', '1', 'kWh']]);
    expect(steps(modeA, data).map((s) => s.kind)).toEqual(['readout']);
  });

  it('hands over the identification and the data message when the BCC is right, a crc failure otherwise', () => {
    const data = encodeDataMessage([['1.8.0', '000285.4', 'kWh']]);
    const good = new ModeCReadout();
    steps(good, '/ELS5\\@V9.30\r\n');
    const [step] = steps(good, Uint8Array.from([0x06, 0x30, 0x35, 0x30, 0x0d, 0x0a, ...data])); // echoed ACK first
    expect(step).toEqual({
      kind: 'readout',
      bytes: encodeReadout({ identification: 'ELS5\\@V9.30', sets: [['1.8.0', '000285.4', 'kWh']], stx: true }),
    });
    expect(good.finished).toBe(true);

    const bad = new ModeCReadout();
    steps(bad, '/ELS5\\@V9.30\r\n');
    const spoilt = Uint8Array.from(data);
    spoilt[5] = spoilt[5]! ^ 0x04;
    expect(steps(bad, spoilt)).toEqual([{ kind: 'failed', error: expect.objectContaining({ kind: 'crc' }) }]);
  });

  it('gives up on an identification that is none', () => {
    expect(steps(new ModeCReadout(), '/12345\r\n')).toEqual([
      { kind: 'failed', error: expect.objectContaining({ kind: 'syntax' }) },
    ]);
  });

  it('never throws on random bytes, says at most one final thing, and stays bounded', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), (chunks) => {
        const readout = new ModeCReadout();
        const all: ModeCStep[] = chunks.flatMap((c) => readout.receive(c));
        const final = all.filter((s) => s.kind === 'readout' || s.kind === 'failed');
        expect(final.length).toBeLessThanOrEqual(1);
        for (const s of all) if (s.kind === 'failed') expect(KINDS).toContain(s.error.kind);
      }),
      { numRuns: 500 },
    );
  });
});

describe('reader and meter together', () => {
  const setsArb = fc.array(
    fc.tuple(
      fc.constantFrom('1.8.0', '2.8.0', '1.8.1', '32.7', 'C.1.0', '1-0:1.7.0*255'),
      fc.stringMatching(/^\d{1,6}\.\d{1,3}$/),
      fc.constantFrom('kWh', 'V', 'kW'),
    ),
    { minLength: 1, maxLength: 12 },
  );

  it('any readout the meter sends arrives whole, however the line cuts it, and decodes to what it sent', () => {
    fc.assert(
      fc.property(setsArb, fc.constantFrom('0', '3', '5', '6'), fc.integer({ min: 1, max: 40 }), (sets, z, cut) => {
        const meter = new ModeCMeter({ identification: `LGZ${z}SIM`, dataMessage: () => encodeDataMessage(sets) });
        const reader = new ModeCReadout();
        let inbound = meter.receive(signOnRequest()).map((r) => r.bytes);
        const outcome: ModeCStep[] = [];
        while (inbound.length && !reader.finished) {
          const bytes = Uint8Array.from(inbound.flatMap((b) => [...b]));
          inbound = [];
          for (let at = 0; at < bytes.length; at += cut) {
            for (const step of reader.receive(bytes.subarray(at, at + cut))) {
              if (step.kind === 'acknowledge') inbound.push(...meter.receive(step.ack).map((r) => r.bytes));
              else outcome.push(step);
            }
          }
        }
        expect(outcome.map((s) => s.kind)).toEqual(['readout']);
        const decoder = createIecDecoder();
        const [decoded] = decoder.push((outcome[0] as { bytes: Uint8Array }).bytes);
        const values = decoded?.ok ? (decoded.message.values as ObisValue[]) : [];
        expect(values.map((v) => v.obis)).toEqual(sets.map(([address]) => address));
      }),
      { numRuns: 200 },
    );
  });
});
