import { describe, expect, it } from 'vitest';
import { encipherApdu } from '../../../shared/protocols/dlms/ciphering.ts';
import { encodePush } from '../../../shared/protocols/dlms/encode.ts';
import { createDlmsDecoder } from '../../../shared/protocols/dlms/index.ts';
import { BIG_PUSH, errorKinds, feed, messages, valueOf } from './fixtures.ts';

const key = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const authKey = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const systemTitle = new TextEncoder().encode('LGZgs\x01\x02\x03');
const cipher = { key, authKey, systemTitle, invocationCounter: 0x1234 };

describe('ciphered pushes', () => {
  it('decodes an encrypted, authenticated E450-style push over M-Bus', () => {
    const wire = encodePush(BIG_PUSH, { transport: 'mbus', cipher, mbus: { maxSegment: 200 } });
    const [message] = messages(feed(createDlmsDecoder({ key, authKey }), wire, 11));
    expect(message?.info).toMatchObject({
      encrypted: true,
      transport: 'mbus',
      systemTitle: '4C475A6773010203',
      manufacturer: 'LGZ',
    });
    expect(valueOf(message, '1-0:1.8.5')).toEqual({ value: 100005, unit: 'Wh' });
  });

  it('decodes a Kaifa-style push with security suite 1, encryption only (security control 0x21)', () => {
    const wire = encodePush(BIG_PUSH, { transport: 'mbus', cipher: { ...cipher, securityControl: 0x21 } });
    const [message] = messages(feed(createDlmsDecoder({ key }), wire));
    expect(message?.info).toMatchObject({ encrypted: true });
    expect(valueOf(message, '1-0:1.8.5')).toEqual({ value: 100005, unit: 'Wh' });
  });

  it('decodes a ciphered push carried in block transfer over HDLC', () => {
    const wire = encodePush(BIG_PUSH, { transport: 'hdlc', cipher, gbtBlockSize: 120 });
    expect(messages(feed(createDlmsDecoder({ key, authKey }), wire))).toHaveLength(1);
  });

  it('points a ciphered DSMR telegram to the DSMR decoder', () => {
    const telegram = new TextEncoder().encode('/KFM5KAIFA-METER\r\n\r\n1-0:1.8.0(000001.000*kWh)\r\n!');
    const apdu = encipherApdu(telegram, cipher);
    const [result] = feed(createDlmsDecoder({ key, authKey }), apdu);
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'unsupported', message: expect.stringContaining('DSMR') },
    });
  });

  it('says decrypt when the key is missing or wrong', () => {
    const wire = encodePush(BIG_PUSH, { transport: 'hdlc', cipher });
    expect(errorKinds(feed(createDlmsDecoder(), wire))).toEqual(['decrypt']);
    const wrong = Uint8Array.from(key).reverse();
    expect(errorKinds(feed(createDlmsDecoder({ key: wrong, authKey }), wire))).toEqual(['decrypt']);
  });
});
