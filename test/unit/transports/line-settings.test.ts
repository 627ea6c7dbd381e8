import { describe, expect, it } from 'vitest';
import {
  AUTO_DETECT_ORDER,
  formatLineSettings,
  parseLineSettings,
} from '../../../electron/core/transports/line-settings.ts';

describe('line settings', () => {
  it('tries the settings of issue 3 in its order', () => {
    expect(AUTO_DETECT_ORDER.map(formatLineSettings)).toEqual([
      '115200 8N1',
      '115200 7E1',
      '9600 7E1',
      '2400 8E1',
      '2400 8N1',
      '9600 8N1',
    ]);
  });

  it('reads the ways manuals write them', () => {
    const even7 = { baudRate: 9600, dataBits: 7, parity: 'even', stopBits: 1 };
    expect(parseLineSettings('9600 7E1')).toEqual(even7);
    expect(parseLineSettings('9600,7e1')).toEqual(even7);
    expect(parseLineSettings('9600-7-E-1')).toEqual(even7);
    expect(parseLineSettings('2400 8O2')).toEqual({ baudRate: 2400, dataBits: 8, parity: 'odd', stopBits: 2 });
  });

  it('rejects what is not line settings', () => {
    for (const text of ['', '9600', '9600 9N1', '9600 8X1', '9600 8N3', 'fast'])
      expect(parseLineSettings(text)).toBeNull();
  });
});
