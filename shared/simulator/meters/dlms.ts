/**
 * DLMS/COSEM push meters of the Swiss CII: Landis+Gyr E450 (wired M-Bus, 2400 8E1, encrypted) and E360 (HDLC,
 * 9600 8N1). Both push with an object list, registers without scaler as the real meters do, so the decoder's
 * meter-family tables are exercised exactly as by real captures.
 */
import type { DlmsData } from '../../protocols/dlms/axdr.ts';
import { encodeDateTime, encodePush, obisData } from '../../protocols/dlms/encode.ts';
import { zoneOffsetMinutes } from '../../time.ts';
import type { HouseholdState } from '../household.ts';
import { LINE_8N1, type SimulationKeys, type WireMeter } from '../meter.ts';

const ZONE = 'Europe/Zurich';

const u32 = (n: number): DlmsData => ({ type: 'double-long-unsigned', value: Math.max(0, Math.round(n)) >>> 0 });
const u16 = (n: number): DlmsData => ({ type: 'long-unsigned', value: Math.max(0, Math.min(0xffff, Math.round(n))) });
const text = (s: string): DlmsData => ({ type: 'octet-string', value: new TextEncoder().encode(s) });

/** One captured object: its class, logical name and value (attribute 2). */
type Capture = [classId: number, obis: string, value: (s: HouseholdState) => DlmsData];

function pushBody(captures: readonly Capture[], pushSetup: string, s: HouseholdState): DlmsData {
  const descriptor = (classId: number, obis: string): DlmsData => ({
    type: 'structure',
    items: [u16(classId), obisData(obis), { type: 'integer', value: 2 }, u16(0)],
  });
  return {
    type: 'structure',
    items: [
      // The push-setup object's own value is the object list itself, so it is value 0.
      { type: 'array', items: [descriptor(40, pushSetup), ...captures.map(([c, obis]) => descriptor(c, obis))] },
      ...captures.map(([, , value]) => value(s)),
    ],
  };
}

/** The meter's local clock (Swiss meters run on local time). */
function civil(unix: number, offsetMinutes: number) {
  const d = new Date((unix + offsetMinutes * 60) * 1000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

const energy = (s: HouseholdState) => s.energyIn[0] + s.energyIn[1];
const energyOut = (s: HouseholdState) => s.energyOut[0] + s.energyOut[1];

/** E450 CII (push setup 0-8:25.9.0): energies Wh, powers W, currents in 0.01 A. */
const E450_CAPTURES: readonly Capture[] = [
  [1, '0-0:96.1.0', () => text('')],
  [3, '1-0:1.7.0', (s) => u32(s.powerIn)],
  [3, '1-0:2.7.0', (s) => u32(s.powerOut)],
  [3, '1-0:1.8.0', (s) => u32(energy(s))],
  [3, '1-0:1.8.1', (s) => u32(s.energyIn[0])],
  [3, '1-0:1.8.2', (s) => u32(s.energyIn[1])],
  [3, '1-0:2.8.0', (s) => u32(energyOut(s))],
  [3, '1-0:2.8.1', (s) => u32(s.energyOut[0])],
  [3, '1-0:2.8.2', (s) => u32(s.energyOut[1])],
  [3, '1-0:3.8.0', (s) => u32(s.reactiveEnergyIn)],
  [3, '1-0:4.8.0', (s) => u32(s.reactiveEnergyOut)],
  [3, '1-0:31.7.0', (s) => u16(s.phases[0].current * 100)],
  [3, '1-0:51.7.0', (s) => u16(s.phases[1].current * 100)],
  [3, '1-0:71.7.0', (s) => u16(s.phases[2].current * 100)],
];

export function lgE450Meter(keys: SimulationKeys): WireMeter {
  const { key, authKey } = keys;
  if (!key) throw new RangeError('lg-e450 pushes encrypted: give an encryption key (--key)');
  const serial = '35012345';
  // Landis+Gyr system titles read `LGZ` + `g` + `s` (E450) + the serial number's bytes.
  const systemTitle = Uint8Array.of(0x4c, 0x47, 0x5a, 0x67, 0x73, 0x17, 0x5d, 0x39);
  const captures = E450_CAPTURES.map((c): Capture => (c[1] === '0-0:96.1.0' ? [1, c[1], () => text(serial)] : c));
  return {
    kind: 'wire',
    model: 'lg-e450',
    description: `Landis+Gyr E450 CII push over wired M-Bus, 2400 8E1, AES-128-GCM, every 5 s, clock in ${ZONE} without offset`,
    clockZone: ZONE,
    interval: 5,
    lineSettings: { baudRate: 2400, dataBits: 8, parity: 'even', stopBits: 1 },
    serial,
    encrypted: true,
    render: (s, sequence) =>
      encodePush(pushBody(captures, '0-8:25.9.0', s), {
        transport: 'mbus',
        invokeId: sequence,
        // Like the real E450: local time without deviation, so the reader must know the zone.
        dateTime: encodeDateTime(civil(s.time, zoneOffsetMinutes(s.time, ZONE)), null),
        cipher: { key, authKey, systemTitle, invocationCounter: sequence + 1, securityControl: authKey ? 0x30 : 0x20 },
        mbus: { maxSegment: 200 },
      }),
  };
}

/** E360 VSE 2026 push (push setup 0-6:25.9.0): voltages in 0.1 V, currents in 0.01 A. */
export function lgE360Meter(): WireMeter {
  const serial = 'LGZ1030000360123';
  const captures: Capture[] = [
    [1, '0-0:42.0.0', () => text(serial)],
    [3, '1-0:1.7.0', (s) => u32(s.powerIn)],
    [3, '1-0:2.7.0', (s) => u32(s.powerOut)],
    [3, '1-0:1.8.1', (s) => u32(s.energyIn[0])],
    [3, '1-0:1.8.2', (s) => u32(s.energyIn[1])],
    [3, '1-0:2.8.1', (s) => u32(s.energyOut[0])],
    [3, '1-0:2.8.2', (s) => u32(s.energyOut[1])],
    [3, '1-0:32.7.0', (s) => u16(s.phases[0].voltage * 10)],
    [3, '1-0:52.7.0', (s) => u16(s.phases[1].voltage * 10)],
    [3, '1-0:72.7.0', (s) => u16(s.phases[2].voltage * 10)],
    [3, '1-0:31.7.0', (s) => u16(s.phases[0].current * 100)],
    [3, '1-0:51.7.0', (s) => u16(s.phases[1].current * 100)],
    [3, '1-0:71.7.0', (s) => u16(s.phases[2].current * 100)],
  ];
  return {
    kind: 'wire',
    model: 'lg-e360',
    description: 'Landis+Gyr E360 CII push over HDLC, 9600 8N1, unencrypted, every 5 s',
    interval: 5,
    lineSettings: LINE_8N1(9600),
    serial,
    encrypted: false,
    render: (s, sequence) =>
      encodePush(pushBody(captures, '0-6:25.9.0', s), {
        transport: 'hdlc',
        invokeId: sequence,
        // DLMS deviation: minutes from local time to UTC, so west of Greenwich is positive.
        dateTime: encodeDateTime(civil(s.time, zoneOffsetMinutes(s.time, ZONE)), -zoneOffsetMinutes(s.time, ZONE)),
      }),
  };
}
