/** The diagnostics download: everything that helps, no secret (keys, passwords, URL logins) anywhere in it. */
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../electron/core/config/load-config.ts';
import { diagnosticsBundle } from '../../../electron/core/service/diagnostics-bundle.ts';

const KEY = '5C3161625F4F4D2A9876F8A3E1C0B2D4';
const AUTH_KEY = 'AABBCCDDEEFF00112233445566778899';

describe('diagnosticsBundle', () => {
  it('carries versions, config, logs and frames, with every secret replaced', () => {
    const config = validateConfig(
      {
        broker: { url: 'mqtt://homeuser:urlsecret@192.0.2.5:1883', username: 'homeuser', password: 'brokersecret' },
        ui: { password: 'uisecret', requireLogin: true },
        sources: [
          { type: 'tcp', id: 'e450', host: '127.0.0.1', port: 4059, protocol: 'dlms', key: KEY, authKey: AUTH_KEY },
        ],
        meters: { LGZ1: { key: KEY } },
      },
      tmpdir(),
    );
    if (!config.ok) throw new Error(config.problems.join('; '));
    const bundle = diagnosticsBundle({
      version: '1.2.3',
      config: config.config,
      logs: [{ time: '2026-01-01T00:00:00.000Z', level: 'warn', message: 'broker refused' }],
      sources: [{ id: 'e450', label: 'tcp:127.0.0.1:4059', frames: [{ at: 1, hex: '7EA0' }] }],
      now: new Date(0),
    });
    const text = JSON.stringify(bundle);
    for (const secret of ['urlsecret', 'brokersecret', 'uisecret', KEY, KEY.toLowerCase(), AUTH_KEY]) {
      expect(text).not.toContain(secret);
    }
    expect(bundle.versions).toMatchObject({ bridge: '1.2.3', node: process.versions.node });
    expect(bundle.config).toMatchObject({ broker: { url: 'mqtt://***@192.0.2.5:1883', password: '***' } });
    expect(bundle.logs[0]).toMatchObject({ level: 'warn', message: 'broker refused' });
    expect(bundle.sources[0]!.frames[0]!.hex).toBe('7EA0');
  });
});
