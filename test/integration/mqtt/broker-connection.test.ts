/**
 * The broker connection against a real Mosquitto: reconnecting, login, last will, MQTT 5, TLS (server and client
 * certificates) and WebSockets; and what the UI gets to see (state, error kind, never the password).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BrokerConnection, type ConnectionState } from '../../../electron/core/mqtt/broker-connection.ts';
import type { OutboundMessage } from '../../../electron/core/mqtt/outbound-message.ts';
import type { BrokerConnectionOptions } from '../../../electron/core/mqtt/connection-options.ts';
import { Secret } from '../../../electron/core/config/secret.ts';
import { hasOwnOrigin } from '../../../shared/sources/loop-guard.ts';
import { connectAsync as mqttConnect } from 'mqtt';
import { freePort, startMosquitto, type Mosquitto } from '../../helpers/mosquitto.ts';
import { makeTestCertificates, type TestCertificates } from './test-certificates.ts';
import { tempDirs, waitFor, watch, type Watcher } from './mqtt-test-kit.ts';

const PASSWORD = 'pa55-w0rd-never-shown';
const dirs = tempDirs();
const connections: BrokerConnection[] = [];
const watchers: Watcher[] = [];
const brokers: Mosquitto[] = [];

afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.close()));
  await Promise.all(watchers.splice(0).map((w) => w.close()));
});

afterAll(async () => {
  await Promise.all(brokers.splice(0).map((b) => b.dispose()));
  dirs.removeAll();
});

/** Publishes on `c` and waits for the outcome (PUBACK at QoS 1). */
const sent = (c: BrokerConnection, message: OutboundMessage): Promise<void> =>
  new Promise((resolve, reject) => c.send(message, (error) => (error ? reject(error) : resolve())));

async function broker(extraConfig: string[] = []): Promise<Mosquitto> {
  const b = await startMosquitto(extraConfig);
  brokers.push(b);
  return b;
}

function connection(options: BrokerConnectionOptions): { connection: BrokerConnection; states: ConnectionState[] } {
  const c = new BrokerConnection({ reconnect: { minMs: 50, maxMs: 250 }, ...options });
  const states: ConnectionState[] = [];
  c.on('state', (s) => states.push(s));
  connections.push(c);
  c.start();
  return { connection: c, states };
}

const failedWith = (c: BrokerConnection, kind: string) => () => c.state.lastError?.kind === kind;

describe('broker connection (real Mosquitto)', () => {
  it('keeps retrying an unreachable broker with a clear state, and connects once it is there', async () => {
    const b = await broker();
    await b.stop();
    const { connection: c } = connection({ url: b.url });
    await waitFor(() => c.state.failedAttempts >= 2, 'a few failed attempts');
    expect(c.state).toMatchObject({
      status: 'reconnecting',
      lastError: { kind: 'network', message: expect.stringMatching(/refused/) },
    });
    await b.start();
    await waitFor(() => c.connected, 'the connection');
    expect(c.state.lastError).toBeUndefined();
    expect(c.state.failedAttempts).toBe(0);
  });

  describe('with a login', () => {
    let b: Mosquitto;
    beforeAll(async () => {
      const dir = dirs.make('smb-mosq-auth-');
      const passwordFile = join(dir, 'passwords');
      execFileSync('mosquitto_passwd', ['-b', '-c', passwordFile, 'bridge', PASSWORD], { stdio: 'ignore' });
      chmodSync(dir, 0o755);
      chmodSync(passwordFile, 0o644);
      b = await broker(['allow_anonymous false', `password_file ${passwordFile}`]);
    });

    it('says the login was refused, and never shows the password', async () => {
      const { connection: c, states } = connection({ url: b.url, username: 'bridge', password: `${PASSWORD}-typo` });
      await waitFor(failedWith(c, 'auth'), 'the refused login');
      expect(c.state.lastError?.message).toMatch(/username and password/);
      expect(JSON.stringify(states)).not.toContain(PASSWORD);
    });

    it('logs in with a password given as a secret, or inside the URL (which is then shown without it)', async () => {
      const { connection: first } = connection({ url: b.url, username: 'bridge', password: new Secret(PASSWORD) });
      const { connection: second, states } = connection({ url: `mqtt://bridge:${PASSWORD}@127.0.0.1:${b.port}` });
      await waitFor(() => first.connected && second.connected, 'both connections');
      expect(second.state.url).toBe(`mqtt://127.0.0.1:${b.port}`);
      expect(JSON.stringify(states)).not.toContain(PASSWORD);
    });
  });

  describe.each([4, 5] as const)('MQTT protocol version %i', (protocolVersion) => {
    it('publishes, and has the broker announce the last will when asked to on close', async () => {
      const b = await broker();
      const w = await watch(b.url, 'it/bridge/#');
      watchers.push(w);
      const will = { topic: 'it/bridge/status', payload: 'offline', qos: 1 as const, retain: true };
      const { connection: c } = connection({ url: b.url, protocolVersion, will });
      await waitFor(() => c.connected, 'the connection');
      await sent(c, { topic: 'it/bridge/status', payload: 'online', qos: 1, retain: true });
      await waitFor(() => w.received.includes('online'), 'online');
      await c.close({ publishWill: true });
      await waitFor(() => w.received.includes('offline'), 'the last will');
      expect(w.received).toEqual(['online', 'offline']);
    });
  });

  it("marks what it publishes over MQTT 5 as the bridge's own, so no bridge translates it again", async () => {
    const b = await broker();
    const subscriber = await mqttConnect(b.url, { protocolVersion: 5 });
    await subscriber.subscribeAsync('it/own/#', { qos: 1 });
    const received = new Promise<Record<string, string | string[]> | undefined>((resolve) =>
      subscriber.on('message', (_t, _p, packet) => resolve(packet.properties?.userProperties)),
    );
    const { connection: c } = connection({ url: b.url, protocolVersion: 5 });
    await waitFor(() => c.connected, 'the connection');
    await sent(c, { topic: 'it/own/x', payload: '1', qos: 1, retain: false });
    expect(hasOwnOrigin(await received)).toBe(true);
    await subscriber.endAsync();
  });

  describe('over TLS and WebSockets', () => {
    let certs: TestCertificates;
    const ports = { tls: 0, mutualTls: 0, ws: 0, wss: 0 };
    let b: Mosquitto;

    beforeAll(async () => {
      certs = makeTestCertificates(dirs.make('smb-certs-'));
      for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort();
      const serverTls = [`cafile ${certs.ca}`, `certfile ${certs.serverCert}`, `keyfile ${certs.serverKey}`];
      b = await broker([
        `listener ${ports.tls} 127.0.0.1`,
        ...serverTls,
        `listener ${ports.mutualTls} 127.0.0.1`,
        ...serverTls,
        'require_certificate true',
        `listener ${ports.ws} 127.0.0.1`,
        'protocol websockets',
        `listener ${ports.wss} 127.0.0.1`,
        'protocol websockets',
        ...serverTls,
      ]);
    });

    async function roundTrip(options: BrokerConnectionOptions): Promise<void> {
      const w = await watch(b.url, 'it/transport');
      watchers.push(w);
      const { connection: c } = connection(options);
      await waitFor(() => c.connected, `a connection to ${options.url}`);
      await sent(c, { topic: 'it/transport', payload: options.url, qos: 1, retain: false });
      await waitFor(() => w.received.includes(options.url), 'the message');
    }

    it('mqtts: verifies the broker with the given CA', () =>
      roundTrip({ url: `mqtts://127.0.0.1:${ports.tls}`, ca: certs.ca }));

    it('mqtts: refuses a broker certificate it cannot verify, with a TLS error', async () => {
      const { connection: c } = connection({ url: `mqtts://127.0.0.1:${ports.tls}`, ca: certs.otherCa });
      await waitFor(failedWith(c, 'tls'), 'the TLS error');
      expect(c.connected).toBe(false);
    });

    it('mqtts: connects unverified only when told explicitly', () =>
      roundTrip({ url: `mqtts://127.0.0.1:${ports.tls}`, rejectUnauthorized: false }));

    it('mqtts: presents a client certificate where the broker requires one', async () => {
      await roundTrip({
        url: `mqtts://127.0.0.1:${ports.mutualTls}`,
        ca: certs.ca,
        cert: certs.clientCert,
        key: certs.clientKey,
      });
      const { connection: without } = connection({ url: `mqtts://127.0.0.1:${ports.mutualTls}`, ca: certs.ca });
      await waitFor(failedWith(without, 'tls'), 'the refusal');
      expect(without.state.lastError?.message).toMatch(/client certificate/);
    });

    it('ws and wss', async () => {
      await roundTrip({ url: `ws://127.0.0.1:${ports.ws}` });
      await roundTrip({ url: `wss://127.0.0.1:${ports.wss}`, ca: certs.ca });
    });

    it('names a certificate file it cannot read, as a configuration problem', async () => {
      const missing = join(dirs.make('smb-nocert-'), 'missing-ca.pem');
      const { connection: c } = connection({ url: `mqtts://127.0.0.1:${ports.tls}`, ca: missing });
      await waitFor(failedWith(c, 'config'), 'the config error');
      expect(c.state.lastError?.message).toContain(missing);
    });
  });
});
