/** A DSMR 5 telegram with a correct CRC-16, built by the DSMR encoder, for the sources' tests. */
import { encodeTelegram } from '../../shared/protocols/dsmr/index.ts';

export const METER_ID = 'E0044007131610516';

export function dsmr5Telegram(importKwh = 1234.567): Uint8Array {
  return encodeTelegram({
    header: 'ISK5\\2M550T-1012',
    lines: [
      { obis: '1-3:0.2.8', groups: ['50'] },
      { obis: '0-0:1.0.0', groups: ['250101120000W'] },
      { obis: '0-0:96.1.1', groups: [Buffer.from(METER_ID, 'latin1').toString('hex').toUpperCase()] },
      { obis: '1-0:1.8.1', groups: [{ value: importKwh.toFixed(3).padStart(10, '0'), unit: 'kWh' }] },
      { obis: '1-0:1.7.0', groups: [{ value: '00.123', unit: 'kW' }] },
    ],
  });
}
