/**
 * "Nothing lost", with a real Mosquitto: broker outages, publisher restarts, a full queue, a damaged queue file and a
 * backlog bigger than a stock broker's per-subscriber queue. Readings are numbered payloads on non-retained topics;
 * the subscriber's view is checked with checkReadings (complete, first arrivals in order, duplicates counted).
 */
import { spawn } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openMqttPublishing, type MqttPublishing } from '../../../electron/core/mqtt/open-publishing.ts';
import type { PublishResult } from '../../../electron/core/mqtt/publisher.ts';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.ts';
import { checkReadings, publisherDuplicates, range, tempDirs, waitFor, watch, type Watcher } from './mqtt-test-kit.ts';

const TOPIC = 'it/readings';
const WINDOW = 50;

const brokers: Mosquitto[] = [];
const watchers: Watcher[] = [];
let publishings: MqttPublishing[] = [];
const killers: (() => void)[] = [];
const dirs = tempDirs();
const CHILD_PUBLISHER = fileURLToPath(new URL('./fixtures/publisher-process.ts', import.meta.url));

afterEach(async () => {
  for (const kill of killers.splice(0)) kill();
  await Promise.all(publishings.splice(0).map((p) => p.close({ drainTimeoutMs: 0 })));
  await Promise.all(watchers.splice(0).map((w) => w.close()));
  await Promise.all(brokers.splice(0).map((b) => b.dispose()));
  dirs.removeAll();
});

async function broker(extraConfig: string[] = []): Promise<Mosquitto> {
  const b = await startMosquitto(extraConfig);
  brokers.push(b);
  return b;
}

/** Mosquitto started as root drops to the `mosquitto` user, which must be able to write its database. */
function brokerDatabaseDir(): string {
  const dir = dirs.make('smb-mosq-db-');
  chmodSync(dir, 0o777);
  return dir;
}

async function subscriber(b: Mosquitto, options: Parameters<typeof watch>[2] = {}): Promise<Watcher> {
  const w = await watch(b.url, TOPIC, options);
  watchers.push(w);
  return w;
}

async function publishing(
  b: Mosquitto,
  queueDir: string,
  queue: { maxMessages?: number } = {},
  pacing: { flushRate?: number } = {},
): Promise<MqttPublishing> {
  const p = await openMqttPublishing({
    broker: { url: b.url, reconnect: { minMs: 50, maxMs: 250 } },
    queue: { dir: queueDir, ...queue },
    inFlightWindow: WINDOW,
    ...pacing,
  });
  publishings.push(p);
  return p;
}

const reading = (n: number) => ({ topic: TOPIC, payload: String(n), qos: 1 as const, retain: false });

/** Queues readings 1..n while the broker is down, as an earlier run of the bridge would have left them. */
async function fillQueue(b: Mosquitto, queueDir: string, n: number): Promise<void> {
  const p = await publishing(b, queueDir);
  expect((await publishAll(p, range(1, n))).every((r) => r.status === 'queued')).toBe(true);
  await p.close();
  publishings = publishings.filter((other) => other !== p);
}

/** Waits until the subscriber has received nothing for a while (it takes a few ms per message while busy). */
async function waitForQuiet(w: Watcher): Promise<void> {
  for (let before = -1; before !== w.received.length;) {
    before = w.received.length;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function publishAll(p: MqttPublishing, numbers: number[]): Promise<PublishResult[]> {
  return Promise.all(numbers.map((n) => p.publisher.publish(reading(n))));
}

describe('publishing with a real Mosquitto: nothing lost', () => {
  it('delivers live readings while connected', async () => {
    const b = await broker();
    const w = await subscriber(b);
    const p = await publishing(b, dirs.make('smb-q-'));
    await waitFor(() => p.connection.connected, 'the connection');

    const results = await publishAll(p, range(1, 20));
    expect(results.every((r) => r.status === 'delivered')).toBe(true);
    await waitFor(() => w.received.length >= 20, '20 readings');
    expect(checkReadings(w.received, range(1, 20)).duplicates).toBe(0);

    const invalid = await p.publisher.publish({ topic: 'it/+/wildcard', payload: '1', qos: 1, retain: false });
    expect(invalid).toMatchObject({ status: 'rejected', reason: expect.stringContaining('wildcard') });
    expect(p.publisher.stats()).toMatchObject({ delivered: 20, rejected: 1, queued: 0 });
  });

  it('queues readings during a broker outage and delivers every one afterwards, in order', async () => {
    // A persistent session on a broker with persistence: the subscriber misses nothing while either side restarts.
    const b = await broker(['persistence true', `persistence_location ${brokerDatabaseDir()}/`]);
    const w = await subscriber(b, { clientId: 'it-outage-watcher', clean: false });
    const p = await publishing(b, dirs.make('smb-q-'));
    await waitFor(() => p.connection.connected, 'the connection');
    await publishAll(p, range(1, 10));

    await b.stop();
    await waitFor(() => p.connection.state.status === 'reconnecting', 'the publisher to notice the outage');
    expect(p.connection.state.lastError?.kind).toBe('network');
    const during = await publishAll(p, range(11, 310));
    expect(during.every((r) => r.status === 'queued')).toBe(true);
    expect(p.publisher.stats().queued).toBe(300);

    await b.start();
    await waitFor(() => new Set(w.received).size >= 310, 'all 310 readings');
    checkReadings(w.received, range(1, 310));
    // Only messages in flight when the broker went away may arrive twice.
    expect(publisherDuplicates(w)).toBeLessThanOrEqual(WINDOW);
    await waitFor(() => p.publisher.stats().queued === 0, 'an empty queue');
  });

  it('puts messages caught in flight by an outage back in line: all arrive, in order', async () => {
    const b = await broker(['persistence true', `persistence_location ${brokerDatabaseDir()}/`]);
    const w = await subscriber(b, { clientId: 'it-midflight-watcher', clean: false });
    const p = await publishing(b, dirs.make('smb-q-'));
    await waitFor(() => p.connection.connected, 'the connection');
    // The broker goes down while the burst is being sent: some live, some from the queue, some awaiting PUBACK.
    const stopped = new Promise<void>((resolve) => {
      w.client.on('message', () => void (w.received.length === 50 && b.stop().then(resolve)));
    });
    const burst = publishAll(p, range(1, 400));
    await stopped;
    const during = await publishAll(p, range(401, 600));
    expect(during.every((r) => r.status === 'queued')).toBe(true);
    expect((await burst).every((r) => r.status === 'delivered' || r.status === 'queued')).toBe(true);

    await b.start();
    await waitFor(() => new Set(w.received).size >= 600, 'all 600 readings');
    checkReadings(w.received, range(1, 600));
    expect(publisherDuplicates(w)).toBeLessThanOrEqual(WINDOW);
  });

  it('delivers the backlog of an earlier publisher process (a new queue object on the same directory)', async () => {
    const b = await broker();
    const queueDir = dirs.make('smb-q-');
    await b.stop();
    await fillQueue(b, queueDir, 200);

    await b.start();
    const w = await subscriber(b);
    const second = await publishing(b, queueDir);
    await waitFor(() => w.received.length >= 200, 'the 200 readings of the earlier process');
    expect(checkReadings(w.received, range(1, 200)).duplicates).toBe(0);
    await waitFor(() => second.publisher.stats().queued === 0, 'an empty queue');
  });

  it('re-sends rather than loses when the publisher process is killed in the middle of a flush', async () => {
    const b = await broker();
    const queueDir = dirs.make('smb-q-');
    await b.stop();
    await fillQueue(b, queueDir, 1000);
    await b.start();
    const w = await subscriber(b);

    const child = spawn(process.execPath, ['--import', 'tsx', CHILD_PUBLISHER, b.url, queueDir], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    killers.push(() => child.kill('SIGKILL'));
    // Killed from the subscriber's own message handler, so the child is in the middle of its 1000 whatever the speed.
    w.client.on('message', () => void (w.received.length === 100 && child.kill('SIGKILL')));
    await exited;

    const revived = await publishing(b, queueDir);
    expect(revived.publisher.stats().queued).toBeGreaterThan(0);
    await waitFor(() => new Set(w.received).size >= 1000, 'all 1000 readings');
    checkReadings(w.received, range(1, 1000));
    await waitFor(() => revived.publisher.stats().queued === 0, 'an empty queue');
  });

  it('drops the oldest readings when the queue is full, counts them, and delivers the rest', async () => {
    const b = await broker();
    const queueDir = dirs.make('smb-q-');
    await b.stop();
    const p = await publishing(b, queueDir, { maxMessages: 50 });
    const dropped: number[] = [];
    p.publisher.on('dropped', (count) => dropped.push(count));
    await publishAll(p, range(1, 120));
    expect(p.publisher.stats()).toMatchObject({ queued: 50, dropped: 70 });
    await p.close();
    // Reported at once, then at most once per interval (10 s): two reports here, the rest at close.
    expect(dropped.length).toBeLessThanOrEqual(2);
    expect(dropped.reduce((a, c) => a + c, 0)).toBe(70);

    await b.start();
    const w = await subscriber(b);
    await publishing(b, queueDir, { maxMessages: 50 });
    await waitFor(() => w.received.length >= 50, 'the 50 newest readings');
    expect(checkReadings(w.received, range(71, 120)).duplicates).toBe(0);
  });

  it('skips a damaged queue line at start-up, counts it, and delivers everything else', async () => {
    const b = await broker();
    const queueDir = dirs.make('smb-q-');
    await b.stop();
    await fillQueue(b, queueDir, 30);
    const [segment] = readdirSync(queueDir).filter((f) => f.startsWith('segment-'));
    const path = join(queueDir, segment!);
    writeFileSync(path, readFileSync(path, 'utf8').replace('"text":"7"', '"text":"X"'));
    writeFileSync(join(queueDir, 'segment-0000000000009999.log'), 'garbage from another program\n');

    await b.start();
    const w = await subscriber(b);
    const second = await publishing(b, queueDir);
    expect(second.publisher.stats()).toMatchObject({ damagedLines: 1, damagedFiles: 1 });
    const expected = range(1, 30).filter((n) => n !== 7);
    await waitFor(() => w.received.length >= 29, '29 readings');
    expect(checkReadings(w.received, expected).duplicates).toBe(0);
  });

  describe('a backlog bigger than a stock Mosquitto queues per subscriber (1000), to a subscriber slower than the broker', () => {
    const BACKLOG = 1500;

    async function flushTo(slowSubscriber: boolean, flushRate: number): Promise<Watcher> {
      const b = await broker();
      const queueDir = dirs.make('smb-q-');
      await b.stop();
      await fillQueue(b, queueDir, BACKLOG);
      await b.start();
      const w = await subscriber(b, slowSubscriber ? { slowMs: 2 } : {});
      const p = await publishing(b, queueDir, {}, { flushRate });
      await waitFor(() => p.publisher.stats().queued === 0, 'the backlog to leave the queue');
      return w;
    }

    it('arrives whole when the flush is paced', async () => {
      const w = await flushTo(true, 250);
      await waitFor(() => w.received.length >= BACKLOG, `all ${BACKLOG} readings`);
      expect(checkReadings(w.received, range(1, BACKLOG)).duplicates).toBe(0);
    });

    it('(control: this is the broker behaviour the pacing guards against) loses readings when flushed unpaced', async () => {
      const w = await flushTo(true, 0);
      await waitFor(() => w.received.length >= 1000, 'the broker queue to drain');
      await waitForQuiet(w);
      expect(new Set(w.received).size).toBeLessThan(BACKLOG);
    });
  });
});
