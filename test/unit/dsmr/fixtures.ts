/** Telegrams built with our own encoder from the DSMR 5.0.2 P1 companion standard's line formats. */
import { encodeHexAscii, encodeTelegram, fixed, type TelegramSpec } from '../../../shared/protocols/dsmr/encode.ts';

export const AM550_SERIAL = 'E0044007382246019';
export const GAS_SERIAL = 'G0039001936990619';

/** 2020-04-26 22:33:25 CEST. */
export const CLOCK = Date.UTC(2020, 3, 26, 20, 33, 25) / 1000;

/** An Iskra AM550 as a Dutch DSMR 5 meter sends it: electricity, one gas meter, one power failure. */
export function am550Spec(overrides: Partial<TelegramSpec> = {}): TelegramSpec {
  return {
    header: 'ISK5\\2M550T-1012',
    lines: [
      { obis: '1-3:0.2.8', groups: ['50'] },
      { obis: '0-0:1.0.0', groups: ['200426223325S'] },
      { obis: '0-0:96.1.1', groups: [encodeHexAscii(AM550_SERIAL)] },
      { obis: '1-0:1.8.1', groups: [{ value: fixed(2130.115, 6, 3), unit: 'kWh' }] },
      { obis: '1-0:1.8.2', groups: [{ value: fixed(245.467, 6, 3), unit: 'kWh' }] },
      { obis: '0-0:96.14.0', groups: ['0001'] },
      { obis: '1-0:1.7.0', groups: [{ value: fixed(0.111, 2, 3), unit: 'kW' }] },
      { obis: '0-0:96.7.21', groups: ['00005'] },
      { obis: '1-0:99.97.0', groups: ['1', '0-0:96.7.19', '190326095015W', { value: '0000002014', unit: 's' }] },
      { obis: '0-0:96.13.0', groups: [encodeHexAscii('Hello P1')] },
      { obis: '1-0:32.7.0', groups: [{ value: '229.9', unit: 'V' }] },
      { obis: '1-0:31.7.0', groups: [{ value: '001', unit: 'A' }] },
      { obis: '0-1:24.1.0', groups: ['003'] },
      { obis: '0-1:96.1.0', groups: [encodeHexAscii(GAS_SERIAL)] },
      { obis: '0-1:24.2.1', groups: ['200426223001S', { value: fixed(246.138, 5, 3), unit: 'm3' }] },
    ],
    ...overrides,
  };
}

export function am550Telegram(overrides: Partial<TelegramSpec> = {}): Uint8Array {
  return encodeTelegram(am550Spec(overrides));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}
