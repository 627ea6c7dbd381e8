import { describe, expect, it } from 'vitest';
import { normaliseKey } from '../../../renderer/src/connect/meter-key.ts';

describe('a meter key as users paste it', () => {
  it('takes groups, colons and lower case, as grid operators print keys', () => {
    const key = '5AD84121D9D20B364B7A11F3C1B5827F';
    expect(normaliseKey('5ad8 4121 d9d2 0b36 4b7a 11f3 c1b5 827f')).toBe(key);
    expect(normaliseKey('5A:D8:41:21:D9:D2:0B:36:4B:7A:11:F3:C1:B5:82:7F')).toBe(key);
  });

  it('refuses what is not 16 bytes of hex', () => {
    for (const text of ['', 'secret', '5AD84121D9D20B364B7A11F3C1B5827', '5AD84121D9D20B364B7A11F3C1B5827FG']) {
      expect(normaliseKey(text), text).toBeNull();
    }
  });
});
