/** SML files built by our encoder, shaped like a German eHZ household meter's. */
import { encodeSmlFile, type SmlEntrySpec } from '../../../shared/protocols/sml/index.ts';
import { concat as joinBytes } from '../../../shared/protocols/dlms/sequence.ts';

/** DIN 43863-5 server ID of `1EMH0012345678`: kind 0A, electricity, EMH, block 00, serial 12345678. */
export const EMH_SERVER_ID = Uint8Array.of(0x0a, 0x01, 0x45, 0x4d, 0x48, 0x00, 0x00, 0xbc, 0x61, 0x4e);

export const W = 27;
export const WH = 30;
export const V = 35;

export function ehzEntries(energyIn = 12345678, power = 4567): SmlEntrySpec[] {
  return [
    { obis: '129-129:199.130.3', value: 'EMH' },
    { obis: '1-0:0.0.9', value: EMH_SERVER_ID },
    { obis: '1-0:1.8.0', value: energyIn, unit: WH, scaler: -1, status: 0x1820 },
    { obis: '1-0:2.8.0', value: 42, unit: WH, scaler: 3 },
    { obis: '1-0:16.7.0', value: power, unit: W, scaler: -2, type: 'integer', size: 4 },
  ];
}

export function ehzFile(energyIn?: number, power?: number, transactionId = 1): Uint8Array {
  return encodeSmlFile({
    serverId: EMH_SERVER_ID,
    entries: ehzEntries(energyIn, power),
    secIndex: 1000,
    transactionId,
  });
}

export const concat = (...parts: Uint8Array[]): Uint8Array => joinBytes(parts);
