/** Keys under `meters` reach the decoder by system title, or by meter ID once that meter's title is known. */
import { describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../../electron/core/config/load-config.ts';
import { Secret } from '../../../electron/core/config/secret.ts';
import { MeterKeys } from '../../../electron/core/service/meter-keys.ts';

const KEY = Uint8Array.from({ length: 16 }, (_, i) => i);
const TITLE = Uint8Array.of(0x4c, 0x47, 0x5a, 0x67, 0x73, 0x17, 0x5d, 0x39);
const meters = (id: string): ResolvedConfig['meters'] => ({ [id]: { key: new Secret(KEY) } });

describe('meter keys', () => {
  it('a key under the system title opens that meter’s frames', () => {
    expect(new MeterKeys().keysFor(meters('4c475a6773175d39'))?.(TITLE)).toEqual({ key: KEY });
  });

  it('a key under the meter ID opens its frames once a frame told the meter’s title', () => {
    const keys = new MeterKeys();
    const lookup = keys.keysFor(meters('35012345'))!;
    expect(lookup(TITLE)).toBeUndefined();
    keys.note('35012345', '4C475A6773175D39');
    expect(lookup(TITLE)).toEqual({ key: KEY });
  });

  it('no meter key: no lookup, so the source’s own key is used', () => {
    expect(new MeterKeys().keysFor({ '35012345': { alias: 'house' } })).toBeUndefined();
  });
});
