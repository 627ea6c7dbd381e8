import { createServer, type Server } from 'node:net';
import { connectAsync } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../../electron/core/config/secret.ts';
import {
  EmbeddedBrokerError,
  startEmbeddedBroker,
  type EmbeddedBroker,
} from '../../../electron/core/mqtt/embedded-broker.ts';
import { openMqttPublishing, type MqttPublishing } from '../../../electron/core/mqtt/open-publishing.ts';
import { freePort } from '../../helpers/mosquitto.ts';
import { tempDirs, waitFor, watch, type Watcher } from './mqtt-test-kit.ts';

const brokers: EmbeddedBroker[] = [];
const watchers: Watcher[] = [];
const publishings: MqttPublishing[] = [];
const blockers: Server[] = [];
const dirs = tempDirs();

afterEach(async () => {
  await Promise.all(publishings.splice(0).map((p) => p.close({ drainTimeoutMs: 0 })));
  await Promise.all(watchers.splice(0).map((w) => w.close()));
  await Promise.all(brokers.splice(0).map((b) => b.close()));
  await Promise.all(blockers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  dirs.removeAll();
});

async function embedded(options: Parameters<typeof startEmbeddedBroker>[0] = {}): Promise<EmbeddedBroker> {
  const broker = await startEmbeddedBroker({ port: await freePort(), ...options });
  brokers.push(broker);
  return broker;
}

describe('embedded broker (aedes)', () => {
  it('carries the bridge publisher’s messages to another client, on loopback by default', async () => {
    const broker = await embedded();
    expect(broker.host).toBe('127.0.0.1');
    const w = await watch(broker.url, 'smartmeter/#');
    watchers.push(w);
    const p = await openMqttPublishing({ broker: { url: broker.url }, queue: { dir: dirs.make('smb-q-') } });
    publishings.push(p);
    await waitFor(() => p.connection.connected, 'the connection');

    const result = await p.publisher.publish({ topic: 'smartmeter/test/power', payload: '1.5', qos: 1, retain: false });
    expect(result.status).toBe('delivered');
    await waitFor(() => w.received.length > 0, 'the message');
    expect(w.received).toEqual(['1.5']);
  });

  it('refuses to listen beyond loopback without a username and password, and says what to set', async () => {
    const attempt = startEmbeddedBroker({ host: '0.0.0.0', port: await freePort() });
    await expect(attempt).rejects.toBeInstanceOf(EmbeddedBrokerError);
    await expect(attempt).rejects.toMatchObject({
      kind: 'needs-auth',
      message: expect.stringMatching(/username.*password/),
    });
    await expect(
      startEmbeddedBroker({ host: '0.0.0.0', port: await freePort(), username: 'bridge' }),
    ).rejects.toMatchObject({
      kind: 'needs-auth',
    });
  });

  it('listens beyond loopback with credentials, and lets in only clients that know them', async () => {
    const broker = await embedded({ host: '0.0.0.0', username: 'bridge', password: new Secret('s3cret-pw') });
    const url = `mqtt://127.0.0.1:${broker.port}`;
    await expect(connectAsync(url, { reconnectPeriod: 0, username: 'bridge', password: 'wrong' })).rejects.toThrow(
      /Bad username or password/i,
    );
    await expect(connectAsync(url, { reconnectPeriod: 0 })).rejects.toThrow(/Bad username or password/i);
    const client = await connectAsync(url, { reconnectPeriod: 0, username: 'bridge', password: 's3cret-pw' });
    expect(client.connected).toBe(true);
    await client.endAsync();
  });

  it('reports a port already in use as a clear error naming the setting, without crashing', async () => {
    const port = await freePort();
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    await expect(startEmbeddedBroker({ port })).rejects.toMatchObject({
      kind: 'port-in-use',
      message: expect.stringContaining('embeddedBroker.port'),
    });
  });

  it('frees its port and disconnects its clients on close', async () => {
    const broker = await embedded();
    const client = await connectAsync(broker.url, { reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await broker.close();
    await closed;
    brokers.splice(0);
    const again = await startEmbeddedBroker({ port: broker.port });
    brokers.push(again);
    expect(again.port).toBe(broker.port);
    await client.endAsync(true);
  });
});
