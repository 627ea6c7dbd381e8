import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorWithReasonCode } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../../electron/core/config/secret.ts';
import {
  buildClientOptions,
  ConnectionSetupError,
  describeConnectionError,
  parseBrokerUrl,
  secretsOf,
} from '../../../electron/core/mqtt/connection-options.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const errnoError = (code: string, message: string): Error => Object.assign(new Error(message), { code });

describe('broker URL', () => {
  it('takes credentials out of the URL it shows', () => {
    expect(parseBrokerUrl('mqtt://me:p%40ss@broker.lan:1884')).toEqual({
      url: 'mqtt://broker.lan:1884',
      username: 'me',
      password: 'p@ss',
    });
    expect(parseBrokerUrl('wss://u:pw@example.org/mqtt').url).toBe('wss://example.org/mqtt');
  });

  it('refuses schemes and strings that are no broker URL, naming what is accepted', () => {
    expect(() => parseBrokerUrl('http://broker:1883')).toThrow(/mqtt:\/\/, mqtts:\/\/, ws:\/\/ or wss:\/\//);
    expect(() => parseBrokerUrl('broker:1883 oops')).toThrow(ConnectionSetupError);
  });
});

describe('mqtt.js options', () => {
  it('verifies TLS unless told otherwise, reads the certificate files, and carries the will', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smb-opts-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'ca.pem'), 'CA');
    const will = { topic: 'smartmeter/bridge/status', payload: 'offline', qos: 1 as const, retain: true };
    const { url, clientOptions } = await buildClientOptions(
      {
        url: 'mqtts://u:from-url@host:8883',
        password: new Secret('given'),
        ca: join(dir, 'ca.pem'),
        will,
        protocolVersion: 5,
      },
      'id-1',
    );
    expect(url).toBe('mqtts://host:8883');
    expect(clientOptions).toMatchObject({
      clientId: 'id-1',
      username: 'u',
      password: 'given',
      rejectUnauthorized: true,
      protocolVersion: 5,
    });
    expect(clientOptions.ca?.toString()).toBe('CA');
    expect(clientOptions.will).toMatchObject({ topic: will.topic, qos: 1, retain: true });
    expect(clientOptions.will?.payload.toString()).toBe('offline');
    const insecure = await buildClientOptions({ url: 'mqtts://host', rejectUnauthorized: false }, 'id');
    expect(insecure.clientOptions.rejectUnauthorized).toBe(false);
  });

  it('names an unreadable certificate file as a configuration problem', async () => {
    await expect(
      buildClientOptions({ url: 'mqtts://host', cert: '/nonexistent/client.pem' }, 'id'),
    ).rejects.toMatchObject({
      problem: { kind: 'config', message: expect.stringContaining('/nonexistent/client.pem') },
    });
  });
});

describe('connection problems in words', () => {
  const secrets = secretsOf({ url: 'mqtt://u:url-secret@h', password: 'opt-secret' });

  it('sorts errors into network, TLS, login and protocol problems', () => {
    expect(
      describeConnectionError(errnoError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1883'), secrets),
    ).toMatchObject({
      kind: 'network',
      message: expect.stringMatching(/refused.*broker running/),
    });
    expect(
      describeConnectionError(errnoError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), secrets).kind,
    ).toBe('tls');
    expect(
      describeConnectionError(new ErrorWithReasonCode('Connection refused: Not authorized', 5), secrets).kind,
    ).toBe('auth');
    expect(
      describeConnectionError(new ErrorWithReasonCode('Connection refused: Bad User Name or Password', 0x86), secrets)
        .kind,
    ).toBe('auth');
    expect(
      describeConnectionError(new ErrorWithReasonCode('Connection refused: Identifier rejected', 2), secrets).kind,
    ).toBe('protocol');
  });

  it('never repeats a password, whether from the options or the URL', () => {
    const problem = describeConnectionError(new Error('failed for opt-secret at mqtt://u:url-secret@h'), secrets);
    expect(problem.message).not.toMatch(/opt-secret|url-secret/);
    expect(problem.message).toContain('***');
  });
});
