/**
 * "Test connection" against real brokers: each failure named as the Broker page shows it, never the password. (A name
 * that does not resolve is a unit test: its lookup would leave the machine.)
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBrokerConnection } from '../../../electron/core/config/test-broker-connection.ts';
import { freePort, startMosquitto, type Mosquitto } from '../../helpers/mosquitto.ts';
import { makeTestCertificates, type TestCertificates } from '../mqtt/test-certificates.ts';

const PASSWORD = 'pa55-w0rd-never-shown';
const dirs: string[] = [];
const brokers: Mosquitto[] = [];
let login: Mosquitto;
let tls: { url: string; certs: TestCertificates };

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smb-testconn-'));
  dirs.push(dir);
  const passwordFile = join(dir, 'passwords');
  execFileSync('mosquitto_passwd', ['-b', '-c', passwordFile, 'bridge', PASSWORD], { stdio: 'ignore' });
  chmodSync(dir, 0o755);
  chmodSync(passwordFile, 0o644);
  login = await startMosquitto(['allow_anonymous false', `password_file ${passwordFile}`]);
  const certs = makeTestCertificates(dir);
  const port = await freePort();
  brokers.push(
    login,
    await startMosquitto([
      `listener ${port} 127.0.0.1`,
      `cafile ${certs.ca}`,
      `certfile ${certs.serverCert}`,
      `keyfile ${certs.serverKey}`,
    ]),
  );
  tls = { url: `mqtts://127.0.0.1:${port}`, certs };
});

afterAll(async () => {
  await Promise.all(brokers.map((b) => b.dispose()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('testBrokerConnection', () => {
  it('connects with the right login and says which MQTT version', async () => {
    const result = await testBrokerConnection({ url: login.url, username: 'bridge', password: PASSWORD });
    expect(result).toEqual({ ok: true, protocolVersion: 4 });
    expect(
      await testBrokerConnection({ url: login.url, username: 'bridge', password: PASSWORD, protocolVersion: 5 }),
    ).toEqual({ ok: true, protocolVersion: 5 });
  });

  it('says the login was refused, without the password', async () => {
    const result = await testBrokerConnection({ url: login.url, username: 'bridge', password: `${PASSWORD}-typo` });
    expect(result).toMatchObject({ ok: false, kind: 'auth' });
    expect(JSON.stringify(result)).not.toContain(PASSWORD);
  });

  it('says nothing listens on the port', async () => {
    const port = await freePort();
    expect(await testBrokerConnection({ url: `mqtt://127.0.0.1:${port}` })).toMatchObject({
      ok: false,
      kind: 'refused',
    });
  });

  it('says the broker did not answer in time', async () => {
    // Accepts the TCP connection and never answers the CONNECT.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      expect(await testBrokerConnection({ url: `mqtt://127.0.0.1:${port}` }, 300)).toMatchObject({
        ok: false,
        kind: 'timeout',
      });
    } finally {
      silent.close();
    }
  });

  it('names the certificate problem, and connects with the right CA', async () => {
    const wrong = await testBrokerConnection({ url: tls.url, ca: tls.certs.otherCa });
    expect(wrong).toMatchObject({ ok: false, kind: 'tls' });
    if (!wrong.ok) expect(wrong.message).toMatch(/certificate/i);
    expect(await testBrokerConnection({ url: tls.url, ca: tls.certs.ca })).toEqual({ ok: true, protocolVersion: 4 });
  });
});
