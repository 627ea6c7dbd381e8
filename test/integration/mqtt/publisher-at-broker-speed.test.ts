/**
 * The publisher under load with a real Mosquitto: a 100,000-message burst arrives whole and in order without the
 * connection's keep-alive starving; an outage in the middle of a stream costs nothing but duplicates and keeps each
 * meter's order; live messages behind a replaying backlog keep the global order; memory stays within `maxPending`.
 * The test broker has `max_queued_messages 0` so that the broker itself drops nothing for the test's subscriber.
 */
import { chmodSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openMqttPublishing, type MqttPublishing } from '../../../electron/core/mqtt/open-publishing.ts';
import type { PublisherOptions, PublishResult } from '../../../electron/core/mqtt/publisher.ts';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.ts';
import { checkReadings, publisherDuplicates, range, tempDirs, waitFor, watch, type Watcher } from './mqtt-test-kit.ts';

const UNLIMITED = ['max_queued_messages 0'];
const brokers: Mosquitto[] = [];
const watchers: Watcher[] = [];
const publishings: MqttPublishing[] = [];
const dirs = tempDirs();

afterEach(async () => {
  await Promise.all(publishings.splice(0).map((p) => p.close({ drainTimeoutMs: 0 })));
  await Promise.all(watchers.splice(0).map((w) => w.close()));
  await Promise.all(brokers.splice(0).map((b) => b.dispose()));
  dirs.removeAll();
});

async function broker(extraConfig: string[]): Promise<Mosquitto> {
  const b = await startMosquitto(extraConfig);
  brokers.push(b);
  return b;
}

/** Mosquitto with persistence, so a persistent subscriber session misses nothing while the broker restarts. */
function persistentBroker(): Promise<Mosquitto> {
  const db = dirs.make('smb-mosq-db-');
  chmodSync(db, 0o777); // Mosquitto started as root drops to the `mosquitto` user
  return broker([...UNLIMITED, 'persistence true', `persistence_location ${db}/`]);
}

async function subscriber(b: Mosquitto, topic: string, clientId?: string): Promise<Watcher> {
  const w = await watch(b.url, topic, clientId ? { clientId, clean: false } : {});
  watchers.push(w);
  return w;
}

async function publishing(b: Mosquitto, options: PublisherOptions = {}): Promise<MqttPublishing> {
  const p = await openMqttPublishing({
    broker: { url: b.url, keepaliveSeconds: 2, reconnect: { minMs: 50, maxMs: 250 } },
    queue: { dir: dirs.make('smb-q-') },
    ...options,
  });
  publishings.push(p);
  await waitFor(() => p.connection.connected, 'the connection');
  return p;
}

/** Reading n of `meters` meters, round robin: topic it/m/<meter>, payload `<meter>:<n>`. */
const reading = (n: number, meters: number) => ({
  topic: `it/m/${n % meters}`,
  payload: `${n % meters}:${n}`,
  qos: 1 as const,
  retain: false,
});

/** Publishes readings from..to as a busy source would: many per event-loop turn, yielding between chunks. */
async function stream(p: MqttPublishing, from: number, to: number, meters: number): Promise<PublishResult[]> {
  const results: Promise<PublishResult>[] = [];
  for (let n = from; n <= to; n++) {
    results.push(p.publisher.publish(reading(n, meters)));
    if (n % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return Promise.all(results);
}

/** Per meter: every reading arrived and their first arrivals are in order (duplicates allowed). */
function checkPerMeter(received: string[], numbers: number[], meters: number): void {
  for (let meter = 0; meter < meters; meter++) {
    const own = received.filter((payload) => payload.startsWith(`${meter}:`)).map((payload) => payload.slice(2));
    checkReadings(
      own,
      numbers.filter((n) => n % meters === meter),
    );
  }
}

describe('the publisher at broker speed (real Mosquitto)', () => {
  it('delivers a 100,000-message burst completely and in order, memory bounded, keep-alive held', async () => {
    const N = 100_000;
    const b = await broker(UNLIMITED);
    const w = await subscriber(b, 'it/m/#');
    const p = await publishing(b, { maxPending: 5000 });
    let drops = 0;
    p.connection.on('disconnected', () => drops++);
    let mostPending = 0;
    const sampler = setInterval(() => (mostPending = Math.max(mostPending, p.publisher.stats().pending)), 5);

    const results = await stream(p, 1, N, 1);
    await waitFor(() => w.received.length >= N, `all ${N} readings`, 180_000);
    clearInterval(sampler);

    expect(
      checkReadings(
        w.received.map((payload) => payload.slice(2)),
        range(1, N),
      ).duplicates,
    ).toBe(0);
    expect(results.every((r) => r.status === 'delivered' || r.status === 'queued')).toBe(true);
    expect(drops).toBe(0); // the event loop never starved the keep-alive (2 s) nor anything else
    expect(mostPending).toBeLessThanOrEqual(5000);
    await waitFor(() => p.publisher.stats().queued === 0, 'an empty disk queue');
    expect(p.publisher.stats()).toMatchObject({ delivered: N, dropped: 0, failed: 0, pending: 0, inFlight: 0 });
  }, 240_000);

  it('survives a broker outage in the middle of a stream: everything arrives, each meter in order', async () => {
    const N = 20_000;
    const METERS = 7;
    const b = await persistentBroker();
    const w = await subscriber(b, 'it/m/#', 'it-stream-watcher');
    const p = await publishing(b, { inFlightWindow: 500, flushRate: 0 });
    // The broker goes away while readings stream in, some in flight, some pending in memory.
    const outage = new Promise<void>((resolve) => {
      w.client.on('message', () => void (w.received.length === 5000 && b.stop().then(resolve)));
    });
    const streamed = stream(p, 1, N / 2, METERS);
    await outage;
    await waitFor(() => !p.connection.connected, 'the publisher to notice the outage');
    const during = await stream(p, N / 2 + 1, N, METERS);
    expect(during.every((r) => r.status === 'queued')).toBe(true);
    await b.start();

    await waitFor(() => new Set(w.received).size >= N, `all ${N} readings`, 120_000);
    expect((await streamed).every((r) => r.status === 'delivered' || r.status === 'queued')).toBe(true);
    checkPerMeter(w.received, range(1, N), METERS);
    // Only what awaited its PUBACK when the broker went away may arrive twice from the publisher.
    expect(publisherDuplicates(w)).toBeLessThanOrEqual(500);
    await waitFor(() => p.publisher.stats().queued === 0, 'an empty disk queue');
  }, 180_000);

  it('sends live readings behind a replaying backlog without reordering them', async () => {
    const b = await broker(UNLIMITED);
    const queueDir = dirs.make('smb-q-');
    const options = { queue: { dir: queueDir }, flushRate: 1000, maxPending: 500 };
    // A backlog of 2,000 left on disk by an earlier run during an outage.
    await b.stop();
    const earlier = await openMqttPublishing({ broker: { url: b.url }, ...options });
    expect((await stream(earlier, 1, 2000, 5)).every((r) => r.status === 'queued')).toBe(true);
    await earlier.close();
    await b.start();
    const w = await subscriber(b, 'it/m/#');

    // Replayed at 1,000/s while live readings keep arriving faster than that.
    const p = await openMqttPublishing({ broker: { url: b.url }, ...options });
    publishings.push(p);
    await waitFor(() => p.connection.connected, 'the connection');
    const live = await stream(p, 2001, 8000, 5);

    await waitFor(() => w.received.length >= 8000, 'all 8000 readings', 60_000);
    expect(
      checkReadings(
        w.received.map((payload) => payload.split(':')[1]!),
        range(1, 8000),
      ).duplicates,
    ).toBe(0);
    // Live readings that found a backlog waited in memory or went to disk behind it; none was lost or refused.
    expect(live.every((r) => r.status === 'delivered' || r.status === 'queued')).toBe(true);
  }, 90_000);

  it('keeps at most maxPending live messages in memory when the broker is slower than the input', async () => {
    const b = await broker(UNLIMITED);
    const w = await subscriber(b, 'it/m/#');
    // A window of 5: the broker's acknowledgements, not the input, set the pace.
    const p = await publishing(b, { inFlightWindow: 5, maxPending: 200, flushRate: 0 });
    let mostPending = 0;
    p.publisher.on('warning', () => {});
    const results: Promise<PublishResult>[] = [];
    for (let n = 1; n <= 5000; n++) {
      results.push(p.publisher.publish(reading(n, 3)));
      mostPending = Math.max(mostPending, p.publisher.stats().pending);
    }
    expect(mostPending).toBeLessThanOrEqual(200);
    await waitFor(() => w.received.length >= 5000, 'all 5000 readings', 60_000);
    expect(
      checkReadings(
        w.received.map((payload) => payload.split(':')[1]!),
        range(1, 5000),
      ).duplicates,
    ).toBe(0);
    expect((await Promise.all(results)).every((r) => r.status === 'delivered' || r.status === 'queued')).toBe(true);
  }, 90_000);
});
