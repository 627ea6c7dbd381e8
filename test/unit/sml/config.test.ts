/** A user with an eHZ meter can name the dialect in the config instead of leaving it to auto-detection. */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../electron/core/config/load-config.ts';

describe('config with an SML source', () => {
  it('accepts protocol: sml on serial and TCP sources', () => {
    const sources = [
      { type: 'serial', port: '/dev/ttyUSB0', protocol: 'sml' },
      { type: 'tcp', host: '127.0.0.1', port: 2001, protocol: 'sml' },
      { type: 'tcp', host: '127.0.0.1', port: 2002, protocol: 'iec62056-21' },
    ];
    const r = validateConfig({ sources }, '.');
    expect(r.ok ? [] : r.problems).toEqual([]);
  });
});
