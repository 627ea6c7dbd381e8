import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig, validateConfig } from '../../../electron/core/config/load-config.ts';
import { makeTestCertificates } from '../../integration/mqtt/test-certificates.ts';

const KEY = '5C3161625F4F4D2A9876F8A3E1C0B2D4';
const dir = mkdtempSync(join(tmpdir(), 'smb-config-'));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('config', () => {
  it('with no file at all runs an embedded broker on loopback and the UI on loopback', () => {
    const r = loadConfig(undefined);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.embeddedBroker).toMatchObject({ enabled: true, host: '127.0.0.1', port: 1883 });
    expect(r.config.ui.host).toBe('127.0.0.1');
    expect(r.config.profile.baseTopic).toBe('smartmeter');
  });

  it('reads YAML with sources, keys in hex and defaults filled in', () => {
    const path = write(
      'ok.yaml',
      `sources:\n  - type: serial\n    port: /dev/ttyUSB0\n    key: "${KEY.match(/../g)!.join(' ')}"\n  - type: tcp\n    host: 192.0.2.7\n    port: 2001\n`,
    );
    const r = loadConfig(path);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [serial, tcp] = r.config.sources;
    expect(serial).toMatchObject({ id: 'serial1', settings: 'auto', protocol: 'auto' });
    expect(serial?.type === 'serial' && serial.key?.reveal()).toEqual(Uint8Array.from(Buffer.from(KEY, 'hex')));
    expect(tcp).toMatchObject({ id: 'tcp2', host: '192.0.2.7', port: 2001 });
  });

  it('names the key, the value and what is expected for every problem at once', () => {
    const r = validateConfig(
      { sources: [{ type: 'serial', port: 3 }], broker: { url: 'http://example' }, colour: 'red' },
      dir,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sources\[0\]\.port: .*expected string.*\(got 3\): YAML reads .* put it in quotes/),
        expect.stringMatching(/^broker\.url: expected an mqtt:\/\/.*\(got "http:\/\/example"\)$/),
        expect.stringMatching(/^\(top level\): Unrecognized key: "colour"$/),
      ]),
    );
  });

  it('never shows a secret, not even a wrong one, in a problem or a log line', () => {
    const r = validateConfig({ meters: { LGZ1: { key: 'not-a-key-but-secret' } } }, dir);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.join('\n')).not.toContain('not-a-key-but-secret');
    const ok = validateConfig({ broker: { url: 'mqtt://h', username: 'u', password: 'hunter2' } }, dir);
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(JSON.stringify(ok.config)).not.toContain('hunter2');
    expect(inspect(ok.config, { depth: 9 })).not.toContain('hunter2');
    expect(ok.config.broker.password?.reveal()).toBe('hunter2');
  });

  it('takes secrets from environment variables and secret files, and says which one is missing', () => {
    write('gak.txt', `${KEY}\n`);
    const r = validateConfig(
      {
        broker: { url: 'mqtts://h', username: 'u', password: { env: 'SMB_TEST_PW' } },
        meters: { M1: { authKey: { file: 'gak.txt' } } },
      },
      dir,
      { SMB_TEST_PW: 'from-env' },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.broker.password?.reveal()).toBe('from-env');
    expect(r.config.meters.M1!.authKey?.reveal()).toHaveLength(16);
    const missing = validateConfig(
      { broker: { url: 'mqtt://h', username: 'u', password: { env: 'SMB_UNSET' } } },
      dir,
      {},
    );
    expect(missing).toEqual({ ok: false, problems: ['broker.password: environment variable SMB_UNSET is not set'] });
  });

  it('refuses an embedded broker on a public interface without credentials', () => {
    const r = validateConfig({ embeddedBroker: { host: '0.0.0.0' } }, dir);
    expect(r).toMatchObject({ ok: false, problems: [expect.stringContaining('requires embeddedBroker.username')] });
    expect(validateConfig({ embeddedBroker: { host: '0.0.0.0', username: 'u', password: 'p' } }, dir).ok).toBe(true);
  });

  it('takes a wireless M-Bus stick and its link mode on a wmbus source only', () => {
    const serial = { type: 'serial', port: '/dev/ttyUSB0' };
    const ok = (source: object) => validateConfig({ sources: [{ ...serial, ...source }] }, dir).ok;
    expect(ok({ protocol: 'wmbus', stick: 'im871a', linkMode: 'C1' })).toBe(true);
    expect(ok({ protocol: 'wmbus', stick: 'amber' })).toBe(true);
    expect(ok({ protocol: 'wmbus' })).toBe(true);
    expect(validateConfig({ sources: [{ ...serial, protocol: 'dsmr', stick: 'amber' }] }, dir)).toMatchObject({
      ok: false,
      problems: [expect.stringContaining('sources[0].stick')],
    });
    expect(ok({ protocol: 'wmbus', stick: 'raw', linkMode: 'T1' })).toBe(false);
    expect(ok({ protocol: 'wmbus', stick: 'cul' })).toBe(false);
  });

  it('refuses MQTT 5 towards the embedded broker, which speaks 3.1.1 only', () => {
    expect(validateConfig({ broker: { protocolVersion: 5 } }, dir)).toMatchObject({
      ok: false,
      problems: [expect.stringContaining('broker.protocolVersion')],
    });
    expect(validateConfig({ broker: { url: 'mqtt://h', protocolVersion: 5 } }, dir).ok).toBe(true);
  });

  it('refuses MQTT 5 for a gateway source reaching the embedded broker, however its URL names it', () => {
    const gateway = { type: 'mqtt', gateway: 'tasmota', protocolVersion: 5 };
    expect(validateConfig({ sources: [{ ...gateway, url: 'mqtt://localhost:1883' }] }, dir)).toEqual({
      ok: false,
      problems: ['sources[0].protocolVersion: the embedded broker speaks MQTT 3.1.1 (4) only'],
    });
    expect(validateConfig({ sources: [gateway] }, dir).ok).toBe(false);
    expect(validateConfig({ sources: [{ ...gateway, url: 'mqtt://192.0.2.9:1883' }] }, dir).ok).toBe(true);
  });

  it('takes UI host names without scheme or port only', () => {
    expect(validateConfig({ ui: { allowedHosts: ['bridge.lan', '[fd00::7]'] } }, dir).ok).toBe(true);
    expect(validateConfig({ ui: { allowedHosts: ['http://bridge.lan:8099'] } }, dir)).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^ui\.allowedHosts\[0\]: expected a host name without scheme or port/)],
    });
  });

  it('reports unreadable files and broken YAML as problems, not exceptions', () => {
    expect(loadConfig(join(dir, 'missing.yaml'))).toEqual({ ok: false, problems: [expect.stringContaining('ENOENT')] });
    expect(loadConfig(write('bad.yaml', 'sources: [\n'))).toMatchObject({
      ok: false,
      problems: [expect.stringContaining('not valid YAML')],
    });
  });

  it('says when YAML read digits as a number, and keeps digit-only names as written', () => {
    const path = write(
      'digits.yaml',
      'meters:\n  0012345678:\n    alias: house\n  LGZ1:\n    key: 12345678901234567890123456789012\n',
    );
    const r = loadConfig(path);
    expect(r).toEqual({
      ok: false,
      problems: [
        expect.stringMatching(/^meters\.LGZ1\.key: .*\(got \*\*\*\): YAML reads a value of only digits as a number/),
      ],
    });
    expect(JSON.stringify(r)).not.toContain('1234567890123');
    const quoted = loadConfig(write('quoted.yaml', 'meters:\n  0012345678:\n    alias: house\n'));
    expect(quoted.ok && Object.keys(quoted.config.meters)).toEqual(['0012345678']);
  });

  it('refuses a queue.dir that is a file or cannot be created, naming the key', () => {
    const file = write('not-a-folder', '');
    expect(validateConfig({ queue: { dir: file } }, dir)).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^queue\.dir: .*not-a-folder is .*a file, not a folder$/)],
    });
    expect(validateConfig({ queue: { dir: join(file, 'queue') } }, dir)).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^queue\.dir: /)],
    });
    const relative = validateConfig({ queue: { dir: 'spool/queue' } }, dir);
    expect(relative.ok && relative.config.queue.dir).toBe(join(dir, 'spool', 'queue'));
    expect(existsSync(join(dir, 'spool', 'queue'))).toBe(true);
  });

  it.skipIf(process.platform !== 'linux')('refuses a queue.dir under /proc at once', () => {
    expect(validateConfig({ queue: { dir: '/proc/self/nope' } }, dir)).toEqual({
      ok: false,
      problems: ['queue.dir: cannot create the folder /proc/self/nope: ENOENT'],
    });
  });

  it('refuses CA, certificate and key files that are not PEM, naming the key', () => {
    const certs = makeTestCertificates(mkdtempSync(join(tmpdir(), 'smb-config-tls-')));
    const tls = { url: 'mqtts://127.0.0.1:8883', ca: certs.ca, cert: certs.clientCert, key: certs.clientKey };
    expect(validateConfig({ broker: tls }, dir).ok).toBe(true);
    const garbage = write('garbage.pem', 'this is not a certificate\n');
    const broken = write('broken.pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const r = validateConfig({ broker: { ...tls, ca: garbage, cert: broken, key: certs.clientCert } }, dir);
    expect(r).toEqual({
      ok: false,
      problems: [
        expect.stringMatching(/^broker\.ca: .*garbage\.pem holds no PEM certificate/),
        expect.stringMatching(/^broker\.cert: .*broken\.pem is not valid PEM certificates/),
        expect.stringMatching(/^broker\.key: .* is not an unencrypted PEM private key/),
      ],
    });
    expect(validateConfig({ broker: { ...tls, ca: 'missing-ca.pem' } }, dir)).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^broker\.ca: cannot read .*missing-ca\.pem: ENOENT$/)],
    });
  });
});
