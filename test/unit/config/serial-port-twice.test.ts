/**
 * Two sources naming one serial port: refused with the key named, since the second could never open it (before, it
 * was accepted and retried forever, logging that "another program" held the port: the bridge itself).
 */
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../electron/core/config/load-config.ts';

describe('config: one source per serial port', () => {
  it.each([
    ['/dev/ttyUSB0', '/dev/ttyUSB0'],
    ['COM3', 'com3'],
  ])('%s and %s: the second source is refused, naming the first', (first, second) => {
    const result = validateConfig(
      {
        sources: [
          { type: 'serial', port: first },
          { type: 'tcp', host: '127.0.0.1', port: 2001 },
          { type: 'serial', port: second },
        ],
      },
      tmpdir(),
    );
    expect(result).toEqual({
      ok: false,
      problems: [`sources[2].port: ${second} is read by sources[0] already; a port has one source`],
    });
  });

  it('two different ports are fine', () => {
    const result = validateConfig(
      {
        sources: [
          { type: 'serial', port: '/dev/ttyUSB0' },
          { type: 'serial', port: '/dev/ttyUSB1' },
        ],
      },
      tmpdir(),
    );
    expect(result.ok).toBe(true);
  });
});
