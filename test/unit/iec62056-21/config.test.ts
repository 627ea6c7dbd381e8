/** A user with an optical IEC 62056-21 meter says in the config whether it pushes (mode D) or is asked (mode C). */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../electron/core/config/load-config.ts';

const problems = (sources: object[]) => {
  const r = validateConfig({ sources }, '.');
  return r.ok ? [] : r.problems;
};

describe('config with an IEC 62056-21 source', () => {
  it('accepts mode D, and mode C with its poll interval, address and fastest rate', () => {
    const sources = [
      { type: 'serial', port: '/dev/ttyUSB0', protocol: 'iec62056-21' },
      {
        type: 'serial',
        port: '/dev/ttyUSB1',
        protocol: 'iec62056-21',
        mode: 'D',
        settings: { baudRate: 9600, dataBits: 7, parity: 'even' },
      },
      { type: 'serial', port: '/dev/ttyUSB2', protocol: 'iec62056-21', mode: 'C' },
      {
        type: 'serial',
        port: 'COM3',
        protocol: 'iec62056-21',
        mode: 'C',
        pollSeconds: 15,
        address: '12345678',
        maxBaudRate: 9600,
      },
    ];
    expect(problems(sources)).toEqual([]);
  });

  it('refuses mode options where they mean nothing, naming the field', () => {
    const refused = problems([
      { type: 'serial', port: '/dev/ttyUSB0', mode: 'C' },
      { type: 'serial', port: '/dev/ttyUSB1', protocol: 'iec62056-21', pollSeconds: 10 },
      {
        type: 'serial',
        port: '/dev/ttyUSB2',
        protocol: 'iec62056-21',
        mode: 'C',
        settings: { baudRate: 300, dataBits: 7, parity: 'even' },
      },
      {
        type: 'serial',
        port: '/dev/ttyUSB3',
        protocol: 'iec62056-21',
        mode: 'C',
        address: 'a!b',
        maxBaudRate: 115200,
        pollSeconds: 0,
      },
    ]);
    expect(refused.join('\n')).toMatch(/sources\[0\]\.mode.*only for protocol: iec62056-21/);
    expect(refused.join('\n')).toMatch(/sources\[1\]\.pollSeconds.*with mode: C/);
    expect(refused.join('\n')).toMatch(/sources\[2\]\.settings.*leave settings out/);
    for (const field of ['address', 'maxBaudRate', 'pollSeconds']) {
      expect(refused.some((p) => p.includes(`sources[3].${field}`))).toBe(true);
    }
  });
});
