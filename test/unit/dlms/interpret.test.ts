import { describe, expect, it } from 'vitest';
import type { DlmsData } from '../../../shared/protocols/dlms/axdr.ts';
import { encodeDataNotification, encodeDateTime, encodeHdlc, obisData } from '../../../shared/protocols/dlms/encode.ts';
import { createDlmsDecoder, FAMILIES } from '../../../shared/protocols/dlms/index.ts';
import { parseObis } from '../../../shared/protocols/obis.ts';
import type { DecoderOptions, ObisMessage } from '../../../shared/protocols/types.ts';
import {
  array,
  feed,
  i16,
  messages,
  registerPush,
  structure,
  text,
  u16,
  u32,
  valueOf,
  WINTER_NOON,
  WINTER_NOON_UNIX,
} from './fixtures.ts';

function decodePush(body: DlmsData, options: DecoderOptions = {}, dateTime?: Uint8Array): ObisMessage | undefined {
  const apdu = encodeDataNotification(body, dateTime ? { dateTime } : {});
  return messages(feed(createDlmsDecoder(options), encodeHdlc(apdu)))[0];
}

/**
 * A push with its object list, as the Swiss VSE configuration sends it: element i is the value of capture object i,
 * element 0 (the push setup's push_object_list) being the list itself.
 */
function objectListPush(objects: [number, string, number][], values: DlmsData[]): DlmsData {
  const list = array(
    ...objects.map(([classId, obis, attribute]) =>
      structure(u16(classId), obisData(obis), { type: 'integer', value: attribute }, u16(0)),
    ),
  );
  return structure(list, ...values);
}

describe('COSEM interpretation', () => {
  it('applies scaler and unit', () => {
    const m = decodePush(
      registerPush([
        ['1-0:32.7.0', u16(2301), -1, 35],
        ['1-0:31.7.0', i16(-152), -2, 33],
        ['1-0:1.8.0', u32(1234), 3, 30],
        ['1-0:13.7.0', i16(950), -3, 255],
      ]),
    );
    expect(valueOf(m, '1-0:32.7.0')).toEqual({ value: 230.1, unit: 'V' });
    expect(valueOf(m, '1-0:31.7.0')).toEqual({ value: -1.52, unit: 'A' });
    expect(valueOf(m, '1-0:1.8.0')).toEqual({ value: 1234000, unit: 'Wh' });
    expect(valueOf(m, '1-0:13.7.0')).toEqual({ value: 0.95, unit: null });
  });

  it('reads flat OBIS/value/scaler sequences and keeps values without code', () => {
    const body = structure(text('LIST_V1'), obisData('1-0:1.7.0'), u32(500), obisData('1-0:2.8.0'), u32(7), {
      type: 'structure',
      items: [
        { type: 'integer', value: 1 },
        { type: 'enum', value: 30 },
      ],
    });
    const m = decodePush(body);
    expect(m?.values).toEqual([
      { obis: null, value: 'LIST_V1', unit: null },
      { obis: '1-0:1.7.0', value: 500, unit: 'W', raw: 500 },
      { obis: '1-0:2.8.0', value: 70, unit: 'Wh' },
    ]);
  });

  it('takes the timestamp from the header, reading the deviation as minutes from local time to UTC', () => {
    expect(decodePush(registerPush([['1-0:1.7.0', u32(1), 0, 27]]), {}, WINTER_NOON)?.timestamp).toBe(WINTER_NOON_UNIX);
  });

  it('takes the clock object over the header, which an E450 stamps seconds later; the header when the clock is unset', () => {
    const clock = (second: number) =>
      encodeDateTime({ year: 2024, month: 1, day: 15, hour: 12, minute: 30, second }, -60);
    const sent = encodeDateTime({ year: 2024, month: 1, day: 15, hour: 12, minute: 30, second: 4 }, -60);
    const push = (clockBytes: Uint8Array) =>
      registerPush([
        ['0-0:1.0.0', { type: 'octet-string', value: clockBytes }],
        ['1-0:1.7.0', u32(1), 0, 27],
      ]);
    expect(decodePush(push(clock(0)), {}, sent)?.timestamp).toBe(WINTER_NOON_UNIX);
    const unset = new Uint8Array(12).fill(0xff);
    expect(decodePush(push(unset), {}, sent)?.timestamp).toBe(WINTER_NOON_UNIX + 4);
  });

  it('reads a positive deviation as a zone west of UTC', () => {
    const newYork = encodeDateTime({ year: 2024, month: 1, day: 15, hour: 7, minute: 0, second: 0 }, 300);
    expect(decodePush(registerPush([['1-0:1.7.0', u32(1), 0, 27]]), {}, newYork)?.timestamp).toBe(
      Date.UTC(2024, 0, 15, 12) / 1000,
    );
  });

  it('reports an unknown time zone instead of throwing', () => {
    const apdu = encodeDataNotification(registerPush([['1-0:1.7.0', u32(1), 0, 27]]));
    const [result] = feed(createDlmsDecoder({ timeZone: 'Mars/Olympus' }), encodeHdlc(apdu));
    expect(result).toMatchObject({ ok: false, error: { kind: 'unsupported' } });
  });

  it('reads a clock without deviation in the configured time zone', () => {
    const summer = encodeDateTime({ year: 2024, month: 7, day: 1, hour: 12, minute: 0, second: 0 }, null);
    const body = registerPush([['0-0:1.0.0', { type: 'octet-string', value: summer }]]);
    expect(decodePush(body, { timeZone: 'Europe/Oslo' })?.timestamp).toBe(Date.UTC(2024, 6, 1, 10) / 1000);
    expect(decodePush(body, { timeZone: 'America/New_York' })?.timestamp).toBe(Date.UTC(2024, 6, 1, 16) / 1000);
  });

  it('prefers the logical device name as meter id, then serial numbers, then the system title', () => {
    const both = decodePush(
      registerPush([
        ['0-0:96.1.1', text('SERIAL')],
        ['0-0:42.0.0', text('LGZ123')],
      ]),
    );
    expect(both?.meterId).toBe('LGZ123');
    expect(decodePush(registerPush([['0-0:96.1.1', text('SERIAL')]]))?.meterId).toBe('SERIAL');
  });

  it('maps values to the capture objects of the push list, skipping the push setup and using the clock', () => {
    const clock = encodeDateTime({ year: 2024, month: 1, day: 15, hour: 12, minute: 30, second: 0 }, -60);
    const body = objectListPush(
      [
        [40, '0-8:25.9.0', 2],
        [1, '0-0:42.0.0', 2],
        [8, '0-0:1.0.0', 2],
        [3, '1-0:1.8.0', 2],
        [3, '1-0:1.8.0', 3],
      ],
      [
        text('LGZ1234567890123'),
        { type: 'octet-string', value: clock },
        u32(42),
        structure({ type: 'integer', value: 1 }, { type: 'enum', value: 30 }),
      ],
    );
    const m = decodePush(body);
    expect(m?.meterId).toBe('LGZ1234567890123');
    expect(m?.timestamp).toBe(WINTER_NOON_UNIX);
    expect(m?.values).toEqual([
      { obis: '0-0:42.0.0', value: 'LGZ1234567890123', unit: null },
      { obis: '1-0:1.8.0', value: 420, unit: 'Wh' },
    ]);
  });
});

describe('meter families', () => {
  it('are well-formed data: unique ids, layouts of valid OBIS codes matching their length', () => {
    expect(new Set(FAMILIES.map((f) => f.id)).size).toBe(FAMILIES.length);
    for (const family of FAMILIES) {
      expect(Object.keys(family.match).length, family.id).toBeGreaterThan(0);
      for (const [length, layout] of Object.entries(family.layouts ?? {})) {
        expect(layout, family.id).toHaveLength(Number(length));
        for (const code of layout) if (code !== null) expect(parseObis(code), code).not.toBeNull();
      }
    }
  });

  const kaifaList2 = structure(
    text('KFM_001'),
    text('6970631401753985'),
    text('MA304H3E'),
    ...[948, 0, 0, 64, 1416, 3241, 3119, 2385, 0, 2389].map(u32),
  );

  it('gives Kaifa HAN values their OBIS codes and scale by position', () => {
    const m = decodePush(kaifaList2);
    expect(m?.info.family).toBe('kaifa-han');
    expect(m?.meterId).toBe('6970631401753985');
    expect(m?.values.find((v) => v.obis === '1-0:31.7.0')).toEqual({
      obis: '1-0:31.7.0',
      value: 1.416,
      unit: 'A',
      raw: 1416,
    });
    expect(valueOf(m, '1-0:32.7.0')).toEqual({ value: 238.5, unit: 'V' });
  });

  it('scales currents of a Swiss push by the model the system title names, and leaves them raw otherwise', () => {
    const objects: [number, string, number][] = [
      [40, '0-8:25.9.0', 2],
      [3, '1-0:31.7.0', 2],
      [3, '1-0:13.7.0', 2],
    ];
    const body = objectListPush(objects, [u16(9), u16(941)]);
    const unknown = decodePush(body);
    expect(unknown?.info.family).toBe('lg-e450-e570');
    expect(valueOf(unknown, '1-0:31.7.0')).toEqual({ value: 9, unit: null });
    expect(valueOf(unknown, '1-0:13.7.0')).toEqual({ value: 0.941, unit: null });
    expect(valueOf(decodePush(body, { family: 'lg-e450' }), '1-0:31.7.0')).toEqual({ value: 0.09, unit: 'A' });
    expect(valueOf(decodePush(body, { family: 'lg-e570' }), '1-0:31.7.0')).toEqual({ value: 9, unit: 'A' });
  });

  it('tells unciphered E450 from E570 pushes by the serial 0-0:96.1.1 the E450 lists, and scales currents by it', () => {
    const objects = (...codes: string[]): [number, string, number][] => [
      [40, '0-8:25.9.0', 2],
      ...codes.map((code): [number, string, number] => [code.startsWith('0-0') ? 1 : 3, code, 2]),
      [3, '1-0:31.7.0', 2],
    ];
    const e450 = decodePush(
      objectListPush(objects('0-0:42.0.0', '0-0:96.1.1'), [text('LGZ1030653520967'), text('1909113'), u16(9)]),
    );
    expect(e450?.info.family).toBe('lg-e450');
    expect(valueOf(e450, '1-0:31.7.0')).toEqual({ value: 0.09, unit: 'A' });
    const e570 = decodePush(objectListPush(objects('0-0:42.0.0'), [text('LGZ1030769231250'), u16(400)]));
    expect(e570?.info.family).toBe('lg-e570');
    expect(valueOf(e570, '1-0:31.7.0')).toEqual({ value: 400, unit: 'A' });
  });

  it('gives a Kaifa list 1 push (one value, no code, no list id, over HDLC) the active power import', () => {
    const m = decodePush(structure(u32(920)), {}, WINTER_NOON);
    expect(m?.info.family).toBe('kaifa-han-list1');
    expect(m?.values).toEqual([{ obis: '1-0:1.7.0', value: 920, unit: 'W', raw: 920 }]);
    expect(m?.timestamp).toBe(WINTER_NOON_UNIX);
  });

  it('gives the Slovenian Iskra ECE lists their OBIS codes by position, voltages in 0.1 V', () => {
    const list1 = decodePush(
      structure(
        text('ISK1030775212345'),
        text('88123456'),
        ...[1200, 0, 150, 0, 2312, 2298, 2305, 215, 180, 160, 450, 400, 350, 0, 0, 0].map(u32),
      ),
    );
    expect(list1?.info.family).toBe('iskra-ece');
    expect(list1?.meterId).toBe('ISK1030775212345');
    expect(valueOf(list1, '0-0:96.1.2')).toEqual({ value: '88123456', unit: null });
    expect(valueOf(list1, '1-0:1.7.0')).toEqual({ value: 1200, unit: 'W' });
    expect(valueOf(list1, '1-0:52.7.0')).toEqual({ value: 229.8, unit: 'V' });
    expect(valueOf(list1, '1-0:31.7.0')).toEqual({ value: 2.15, unit: 'A' });
    expect(valueOf(list1, '1-0:61.7.0')).toEqual({ value: 350, unit: 'W' });
    const list2 = decodePush(
      structure(
        text('ISK1030775212345'),
        text('88123456'),
        { type: 'boolean', value: true },
        { type: 'octet-string', value: Uint8Array.of(0, 2) },
        ...[5000, 3000, 2000, 900, 400, 500, 700, 100].map(u32),
      ),
    );
    expect(list2?.info.family).toBe('iskra-ece');
    expect(valueOf(list2, '0-0:96.3.10')).toEqual({ value: 1, unit: null });
    expect(valueOf(list2, '1-0:1.8.2')).toEqual({ value: 2000, unit: 'Wh' });
    expect(valueOf(list2, '1-0:4.8.0')).toEqual({ value: 100, unit: 'varh' });
  });

  it('scales Iskra AM550 voltages by 0.1 V', () => {
    const body = objectListPush(
      [
        [40, '0-6:25.9.0', 2],
        [1, '0-0:42.0.0', 2],
        [3, '1-0:32.7.0', 2],
      ],
      [text('ISK1030783821282'), u16(2347)],
    );
    const m = decodePush(body);
    expect(m?.info).toMatchObject({ family: 'iskra-am550', manufacturer: 'ISK' });
    expect(valueOf(m, '1-0:32.7.0')).toEqual({ value: 234.7, unit: 'V' });
  });

  it('reads Czech pushes with attribute descriptors before each value', () => {
    const pair = (classId: number, obis: string, value: DlmsData): DlmsData =>
      structure(
        { type: 'descriptor', classId, obis: (obisData(obis) as { value: Uint8Array }).value, attribute: 2 },
        value,
      );
    const body = structure(
      { type: 'enum', value: 1 },
      array(
        pair(1, '0-0:96.1.1', text('5100005149')),
        pair(3, '1-0:1.7.0', u32(1956)),
        pair(40, '0-0:25.9.0', obisData('0-0:25.9.0')),
      ),
    );
    const m = decodePush(body);
    expect(m?.info.family).toBe('cz-descriptors');
    expect(m?.meterId).toBe('5100005149');
    expect(valueOf(m, '1-0:1.7.0')).toEqual({ value: 1956, unit: 'W' });
    expect(m?.values.some((v) => v.obis === '0-0:25.9.0')).toBe(false);
  });

  it('reports an unknown forced family', () => {
    const apdu = encodeDataNotification(kaifaList2);
    const [result] = feed(createDlmsDecoder({ family: 'no-such-meter' }), encodeHdlc(apdu));
    expect(result).toMatchObject({ ok: false, error: { kind: 'unsupported' } });
  });
});
