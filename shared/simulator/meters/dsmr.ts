/** P1 meters: DSMR 5 (NL/BE style with a gas sub-meter), Iskra AM550 Swiss P1, and Luxembourg-style encrypted P1. */
import { encipherApdu } from '../../protocols/dlms/ciphering.ts';
import {
  encodeHexAscii,
  encodeTelegram,
  fixed,
  formatDsmrTime,
  type TelegramLine,
} from '../../protocols/dsmr/encode.ts';
import type { HouseholdState } from '../household.ts';
import { LINE_8N1, type SimulationKeys, type WireMeter } from '../meter.ts';

const kw = (w: number) => ({ value: fixed(w / 1000, 2, 3), unit: 'kW' });
const kwh = (wh: number) => ({ value: fixed(wh / 1000, 6, 3), unit: 'kWh' });

function telegramLines(s: HouseholdState, serial: string, gas: { serial: string } | null): TelegramLine[] {
  const line = (obis: string, ...groups: TelegramLine['groups']): TelegramLine => ({ obis, groups });
  const lines = [
    line('1-3:0.2.8', '50'),
    line('0-0:1.0.0', formatDsmrTime(s.time)),
    line('0-0:96.1.1', encodeHexAscii(serial)),
    line('1-0:1.8.1', kwh(s.energyIn[0])),
    line('1-0:1.8.2', kwh(s.energyIn[1])),
    line('1-0:2.8.1', kwh(s.energyOut[0])),
    line('1-0:2.8.2', kwh(s.energyOut[1])),
    line('0-0:96.14.0', fixed(s.tariff, 4)),
    line('1-0:1.7.0', kw(s.powerIn)),
    line('1-0:2.7.0', kw(s.powerOut)),
    line('0-0:96.7.21', '00004'),
    line('0-0:96.7.9', '00002'),
    line('1-0:99.97.0', '0', '0-0:96.7.19'),
    line('1-0:32.32.0', '00000'),
    line('1-0:52.32.0', '00000'),
    line('1-0:72.32.0', '00000'),
    line('1-0:32.36.0', '00000'),
    line('1-0:52.36.0', '00000'),
    line('1-0:72.36.0', '00000'),
    line('0-0:96.13.0', ''),
    ...['32', '52', '72'].map((c, i) => line(`1-0:${c}.7.0`, { value: fixed(s.phases[i]!.voltage, 3, 1), unit: 'V' })),
    ...['31', '51', '71'].map((c, i) =>
      line(`1-0:${c}.7.0`, { value: fixed(Math.round(s.phases[i]!.current), 3), unit: 'A' }),
    ),
    ...['21', '41', '61'].map((c, i) => line(`1-0:${c}.7.0`, kw(Math.max(0, s.phases[i]!.power)))),
    ...['22', '42', '62'].map((c, i) => line(`1-0:${c}.7.0`, kw(Math.max(0, -s.phases[i]!.power)))),
  ];
  if (gas) {
    lines.push(
      line('0-1:24.1.0', '003'),
      line('0-1:96.1.0', encodeHexAscii(gas.serial)),
      line('0-1:24.2.1', formatDsmrTime(s.time - (s.time % 300)), { value: fixed(s.gasVolume, 5, 3), unit: 'm3' }),
    );
  }
  return lines;
}

export function dsmr5Meter(): WireMeter {
  const serial = 'E0026000000012345';
  return {
    kind: 'wire',
    model: 'dsmr5',
    description: 'DSMR 5.0 P1 (NL), 115200 8N1, a telegram every second, gas sub-meter on channel 1',
    interval: 1,
    lineSettings: LINE_8N1(115200),
    serial,
    encrypted: false,
    render: (s) =>
      encodeTelegram({ header: 'KFM5KAIFA-METER', lines: telegramLines(s, serial, { serial: 'G0026000000054321' }) }),
  };
}

export function iskraAm550P1Meter(): WireMeter {
  const serial = '49103011';
  return {
    kind: 'wire',
    model: 'iskra-am550',
    description: 'Iskra AM550 Swiss P1 (DSMR 5 format), 115200 8N1, a telegram every second',
    interval: 1,
    lineSettings: LINE_8N1(115200),
    serial,
    encrypted: false,
    render: (s) => encodeTelegram({ header: 'ISK5\\2M550T-1011', lines: telegramLines(s, serial, null) }),
  };
}

/** Encrypted P1 as in Luxembourg (Smarty) and Austria: the telegram inside a general-glo-ciphering APDU. */
export function dsmr5EncryptedMeter(keys: SimulationKeys): WireMeter {
  const { key, authKey } = keys;
  if (!key) throw new RangeError('dsmr5-encrypted needs an encryption key (--key)');
  const serial = 'SAG1234567890123';
  const systemTitle = new TextEncoder().encode('SAGSIM01');
  return {
    kind: 'wire',
    model: 'dsmr5-encrypted',
    description: 'encrypted DSMR 5 P1 (Luxembourg Smarty style), AES-128-GCM, 115200 8N1, a telegram every 10 s',
    interval: 10,
    lineSettings: LINE_8N1(115200),
    serial,
    encrypted: true,
    render: (s, sequence) =>
      encipherApdu(encodeTelegram({ header: 'SAG5\\2SIM-SMARTY', lines: telegramLines(s, serial, null) }), {
        key,
        authKey,
        systemTitle,
        invocationCounter: 0x10000000 + sequence,
        securityControl: authKey ? 0x30 : 0x20,
      }),
  };
}
