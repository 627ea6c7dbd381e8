/** The OMS transport and security layers: headers, modes 5 and 7, keys per meter, and what a user sees when a key is wrong. */
import { describe, expect, it } from 'vitest';
import { harmonize } from '../../../shared/profile/index.ts';
import { createDecoder } from '../../../shared/protocols/decode.ts';
import { decodeFrame } from '../../../shared/protocols/wmbus/index.ts';
import { decodeAll, heatFrame, KEY, only, OTHER_KEY, WATER_RECORDS, waterFrame } from './fixtures.ts';

const values = (frame: Uint8Array, options = {}) =>
  only(decodeAll([frame], options)).values.map((r) => [r.quantity, r.storage, r.value, r.unit]);

const WATER_VALUES = [
  ['Volume', 0, 123.456, 'm3'],
  ['Volume flow', 0, 0.25, 'm3/h'],
  ['Volume', 1, 115.2, 'm3'],
];

describe('wireless M-Bus decoder', () => {
  it('reads the link address and a short TPL header: the meter, its medium and its records', () => {
    const m = only(decodeAll([waterFrame()]));
    expect(m).toMatchObject({
      protocol: 'wmbus',
      meterId: '12345678',
      device: { id: '12345678', manufacturer: 'KAM', version: 0x1b, medium: 'Water', accessNumber: 0x42 },
      info: { transport: 'wmbus', encrypted: false },
    });
    expect(values(waterFrame())).toEqual(WATER_VALUES);
  });

  it('takes the identity of a long TPL header and names the radio converter that sent it', () => {
    const frame = waterFrame({
      header: 'long',
      address: { manufacturer: 'HYD', id: '81100028', version: 0x64, deviceType: 0x37 },
      meter: { manufacturer: 'DME', id: '64745666', version: 0x70, deviceType: 0x07 },
    });
    const m = only(decodeAll([frame]));
    expect(m.device).toMatchObject({ id: '64745666', manufacturer: 'DME', medium: 'Water' });
    expect(m.info.device).toBe('HYD 81100028');
  });

  it('reads frames without a TPL header (CI 0x78)', () => {
    expect(values(waterFrame({ header: 'none' }))).toEqual(WATER_VALUES);
  });

  describe.each([
    ['mode 5', { mode: 5 as const, key: KEY }],
    ['mode 7', { mode: 7 as const, key: KEY, counter: 0x1234 }],
  ])('security %s', (_name, security) => {
    const frame = waterFrame({ security });

    it('decrypts with the key given', () => {
      expect(values(frame, { key: KEY })).toEqual(WATER_VALUES);
      expect(only(decodeAll([frame], { key: KEY })).info.encrypted).toBe(true);
    });

    it('decrypts with the key of that meter among several', () => {
      const meterKey = (id: string) => (id === '12345678' ? KEY : undefined);
      expect(values(frame, { key: OTHER_KEY, meterKey })).toEqual(WATER_VALUES);
    });

    it('says a key is needed when none was given', () => {
      const [out] = decodeAll([frame]);
      // The meter ID on its own, for a UI to offer that meter's key.
      expect(out).toMatchObject({ ok: false, error: { kind: 'decrypt', meterId: '12345678' } });
      expect(!out!.ok && out!.error.message).toMatch(/meter 12345678 \(KAM\).*give its key/);
    });

    it('says the key is wrong when it does not decrypt', () => {
      const [out] = decodeAll([frame], { key: OTHER_KEY });
      expect(out).toMatchObject({ ok: false, error: { kind: 'decrypt' } });
      expect(!out!.ok && out!.error.message).toMatch(/check the key/);
    });
  });

  it('decodes the OMS security profile B example (mode 7: ELL, AFL counter and CMAC, derived key)', () => {
    // OMS Specification Vol. 2, annex N: an ELS gas meter, key 00 01 ... 0F.
    const example = new Uint8Array(
      Buffer.from(
        '434493157856341233038C2075900F002C25B30A000021924D4F2FB66E017A75002007109058475F4BC91DF8' +
          '78B80A1B0F98B629024AAC727942BFC549233C0140829B93',
        'hex',
      ),
    );
    const key = Uint8Array.from({ length: 16 }, (_, i) => i);
    const m = only(decodeAll([example], { key }));
    expect(m.device).toMatchObject({ id: '12345678', manufacturer: 'ELS', medium: 'Gas', accessNumber: 0x75 });
    expect(m.values[0]).toMatchObject({ quantity: 'Volume', unit: 'm3', value: 28504.27 });
    const altered = Uint8Array.from(example);
    altered[altered.length - 1]! ^= 0x01;
    expect(decodeAll([altered], { key })).toMatchObject([{ ok: false, error: { kind: 'decrypt' } }]);
  });

  it('decrypts an extended link layer (CI 0x8D, AES-CTR checked by the payload CRC), as Kamstrup meters send it', () => {
    const frame = waterFrame({ header: 'none', ell: { sessionNumber: 0x1234, key: KEY } });
    expect(frame[10]).toBe(0x8d);
    expect(values(frame, { key: KEY })).toEqual(WATER_VALUES);
    expect(only(decodeAll([frame], { key: KEY })).info.encrypted).toBe(true);
    expect(decodeAll([frame], { key: OTHER_KEY })).toMatchObject([{ ok: false, error: { kind: 'decrypt' } }]);
    expect(decodeAll([frame])).toMatchObject([{ ok: false, error: { kind: 'decrypt' } }]);
    // The same ELL unencrypted: the payload CRC says so, no key needed.
    expect(values(waterFrame({ header: 'none', ell: { sessionNumber: 0x1234 } }))).toEqual(WATER_VALUES);
  });

  it('refuses a mode 7 message whose MAC does not match (altered on the way)', () => {
    const frame = waterFrame({ security: { mode: 7, key: KEY, counter: 9 } });
    frame[frame.length - 1]! ^= 0x01; // the last block: the 2F 2F check at the start still passes
    const [out] = decodeAll([frame], { key: KEY });
    expect(out).toMatchObject({ ok: false, error: { kind: 'decrypt', message: expect.stringMatching(/MAC/) } });
  });

  it('reads data a decrypting receiver passed on with the header still saying encrypted', () => {
    // The header says mode 5, the data is plain behind its 2F 2F: as wmbusmeters' simulations and some sticks send it.
    const encrypted = waterFrame({ security: { mode: 5, key: KEY } });
    const cfgAt = 13;
    const plain = waterFrame();
    const passedOn = Uint8Array.from([...encrypted.subarray(0, cfgAt + 2), 0x2f, 0x2f, ...plain.subarray(cfgAt + 2)]);
    passedOn[0] = passedOn.length - 1;
    passedOn[cfgAt + 1] = 0x05;
    passedOn[cfgAt] = 0x10;
    expect(values(passedOn)).toEqual(WATER_VALUES);
  });

  describe('compact frames', () => {
    const later = WATER_RECORDS.map((r, i) => (i === 0 ? { ...r, value: 124000 } : r));
    const compact = (extra = {}) => waterFrame({ records: later, compact: true, ...extra });

    it('fill in the record headers from a full frame of the same meter seen before', () => {
      const outputs = decodeAll([waterFrame(), compact()]);
      expect(outputs.map((o) => o.ok && o.message.values[0]!.value)).toEqual([123.456, 124]);
      expect(compact()[10]).toBe(0x7b);
    });

    it('work the same encrypted (mode 5, the verification bytes before the compact header) and without a header', () => {
      const security = { mode: 5 as const, key: KEY };
      const encrypted = decodeAll([waterFrame({ security }), compact({ security })], { key: KEY });
      expect(encrypted.map((o) => o.ok && o.message.values[0]!.value)).toEqual([123.456, 124]);
      const bare = decodeAll([waterFrame({ header: 'none' }), compact({ header: 'none' })]);
      expect(bare.map((o) => o.ok && o.message.values[0]!.value)).toEqual([123.456, 124]);
    });

    it('are unsupported until a full frame of that meter told their format', () => {
      const [first] = decodeAll([compact()]);
      expect(first).toMatchObject({
        ok: false,
        error: { kind: 'unsupported', message: expect.stringMatching(/none seen yet/) },
      });
      const otherMeter = decodeAll([heatFrame(), compact()]);
      expect(otherMeter.map((o) => (o.ok ? 'ok' : o.error.kind))).toEqual(['ok', 'unsupported']);
      expect(decodeFrame(compact())).toMatchObject({ ok: false, error: { kind: 'unsupported' } });
    });

    it('are a crc error when the values do not give the full-frame CRC they carry', () => {
      const damaged = compact();
      damaged[damaged.length - 1]! ^= 0x01;
      expect(decodeAll([waterFrame(), damaged]).map((o) => (o.ok ? 'ok' : o.error.kind))).toEqual(['ok', 'crc']);
    });
  });

  it('reports unknown CIs and cut headers as typed errors', () => {
    const unknown = waterFrame();
    unknown[10] = 0xa0;
    expect(decodeFrame(unknown)).toMatchObject({ ok: false, error: { kind: 'unsupported' } });
    expect(decodeFrame(waterFrame().subarray(0, 12))).toMatchObject({ ok: false, error: { kind: 'truncated' } });
  });

  it('feeds the profile: water volume and flow, heat energy and temperatures', () => {
    const water = harmonize(only(decodeAll([waterFrame()])));
    expect(water.map((r) => [r.quantity, r.value, r.unit])).toEqual([
      ['water_volume', 123.456, 'm3'],
      ['water_flow', 0.25, 'm3/h'],
    ]);
    const heat = harmonize(only(decodeAll([heatFrame()])));
    expect(heat.map((r) => [r.quantity, r.value, r.unit])).toEqual([
      ['heat_energy', 4321000, 'Wh'],
      ['heat_flow_temperature', 55.5, '°C'],
      ['heat_return_temperature', 31.2, '°C'],
    ]);
  });

  it('is reached by name only: auto does not take a bare length byte for a frame', () => {
    const named = createDecoder('wmbus');
    expect(named.push(waterFrame())).toHaveLength(1);
    const auto = createDecoder('auto');
    expect([...auto.push(waterFrame()), ...auto.end()].some((o) => o.ok)).toBe(false);
  });
});
