/**
 * The publisher's decisions, with a scripted connection below the mqtt.js seam (the real broker is in the
 * integration tests): live messages skip the disk, wait in memory in order, respect the socket's backpressure; the
 * backlog pacing never holds live traffic back; a reconnect in the middle of reading the backlog does not stall it.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  BrokerConnection,
  BrokerConnectionEvents,
  SendDone,
} from '../../../electron/core/mqtt/broker-connection.ts';
import { OfflineQueue } from '../../../electron/core/mqtt/offline-queue.ts';
import type { OutboundMessage } from '../../../electron/core/mqtt/outbound-message.ts';
import { MqttPublisher, type PublisherOptions } from '../../../electron/core/mqtt/publisher.ts';

/** What the publisher uses of a broker connection; sends wait until the test acknowledges them. */
class ScriptedConnection extends EventEmitter<BrokerConnectionEvents> {
  connected = false;
  congested = false;
  receiveMaximum = Number.POSITIVE_INFINITY;
  readonly sent: { message: OutboundMessage; done: SendDone }[] = [];

  send(message: OutboundMessage, done: SendDone): void {
    this.sent.push({ message, done });
  }

  dropConnection(): void {}

  connect(): void {
    this.connected = true;
    this.emit('connected');
  }

  disconnect(): void {
    this.connected = false;
    this.emit('disconnected', { kind: 'network', message: 'gone' });
  }

  /** Acknowledges the oldest `count` sends not yet acknowledged. */
  ack(count = Number.POSITIVE_INFINITY): void {
    for (const s of this.sent.splice(0, Math.min(count, this.sent.length))) s.done();
  }

  payloads(): string[] {
    return this.sent.map((s) => String(s.message.payload));
  }
}

let dir: string;
let connection: ScriptedConnection;
let queue: OfflineQueue;
let publisher: MqttPublisher | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smb-pub-'));
  connection = new ScriptedConnection();
  queue = await OfflineQueue.open({ dir });
});

afterEach(async () => {
  await publisher?.close({ drainTimeoutMs: 0 });
  publisher = undefined;
  await queue.close();
  rmSync(dir, { recursive: true, force: true });
});

function start(options: PublisherOptions): MqttPublisher {
  publisher = new MqttPublisher(connection as unknown as BrokerConnection, queue, options);
  return publisher;
}

const reading = (n: number): OutboundMessage => ({ topic: 'm/1', payload: String(n), qos: 1, retain: false });
const until = async (condition: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(condition()).toBe(true);
};

describe('publisher', () => {
  it('sends live messages straight out and keeps the rest in memory, in order, without touching the disk', async () => {
    const p = start({ inFlightWindow: 3 });
    connection.connect();
    const results = Array.from({ length: 10 }, (_, i) => p.publish(reading(i + 1)));
    expect(connection.payloads()).toEqual(['1', '2', '3']);
    expect(p.stats()).toMatchObject({ inFlight: 3, pending: 7, queued: 0 });
    for (let round = 0; round < 4; round++) connection.ack();
    expect((await Promise.all(results)).map((r) => r.status)).toEqual(Array(10).fill('delivered'));
    expect(readdirSync(dir).filter((f) => f.startsWith('segment-'))).toEqual([]);
  });

  it('takes posted messages like published ones: in order, live, and refusals still counted', async () => {
    const p = start({ inFlightWindow: 2 });
    connection.connect();
    for (let n = 1; n <= 4; n++) p.post(reading(n));
    p.post({ topic: 'm/+', payload: 'x', qos: 1, retain: false });
    expect(connection.payloads()).toEqual(['1', '2']);
    connection.ack();
    expect(connection.payloads()).toEqual(['3', '4']);
    connection.ack();
    expect(p.stats()).toMatchObject({ delivered: 4, rejected: 1, pending: 0, inFlight: 0 });
    connection.disconnect();
    p.post(reading(5));
    await until(() => p.stats().queued === 1);
  });

  it('waits while the socket send buffer is full and goes on at its drain', () => {
    const p = start({});
    connection.connect();
    connection.congested = true;
    void p.publish(reading(1));
    expect(connection.sent).toHaveLength(0);
    connection.congested = false;
    connection.emit('drain');
    expect(connection.payloads()).toEqual(['1']);
  });

  it('asks sources to wait while half its memory tail is full, and lets them go on once a quarter is left', async () => {
    const p = start({ inFlightWindow: 10, maxPending: 40 });
    connection.connect();
    for (let n = 1; n <= 29; n++) void p.publish(reading(n)); // 10 in flight, 19 pending
    expect(p.whenRoom()).toBeUndefined();
    void p.publish(reading(30)); // 20 pending: half the tail
    let room = false;
    void p.whenRoom()!.then(() => (room = true));
    connection.ack(9); // 9 more leave the tail for the window: 11 pending, still over a quarter
    await Promise.resolve();
    expect(room).toBe(false);
    connection.ack(1); // one more leaves: 10 pending, a quarter
    await until(() => room);
    expect(p.whenRoom()).toBeUndefined();
    expect(readdirSync(dir).filter((f) => f.startsWith('segment-'))).toEqual([]); // nothing spilled to disk
  });

  it('says when everything accepted is safe from a crash: acknowledged by the broker, or on disk', async () => {
    const p = start({ inFlightWindow: 2 });
    connection.connect();
    expect(p.whenHandedOff()).toBeUndefined();
    for (let n = 1; n <= 3; n++) p.post(reading(n)); // two in flight, one waiting in memory for the window
    let handedOff = false;
    void p.whenHandedOff()!.then(() => (handedOff = true));
    connection.ack(1); // the third goes out: written, not yet acknowledged
    await Promise.resolve();
    expect(handedOff).toBe(false);
    connection.ack();
    await until(() => handedOff);
    connection.disconnect(); // the outage path: in memory until the disk queue has written it
    p.post(reading(4));
    const written = p.whenHandedOff();
    expect(written).toBeDefined();
    await written;
    expect(p.whenHandedOff()).toBeUndefined();
  });

  it('never holds sources back while disconnected: the disk queue takes what comes', () => {
    const p = start({ inFlightWindow: 1, maxPending: 4 });
    connection.connect();
    for (let n = 1; n <= 3; n++) void p.publish(reading(n));
    const waiting = p.whenRoom();
    expect(waiting).toBeDefined();
    connection.disconnect();
    expect(p.whenRoom()).toBeUndefined();
    return waiting; // resolved by the drop
  });

  it('sends the backlog first, and lets one more backlog message go per live one however slow the pacing', async () => {
    const p = start({ flushRate: 1 }); // one backlog message per second: the pacing alone would take minutes
    for (let n = 1; n <= 100; n++) await p.publish(reading(n)); // queued: no connection yet
    connection.connect();
    await until(() => connection.sent.length >= 1);
    for (let n = 101; n <= 150; n++) void p.publish(reading(n));
    await until(() => connection.sent.length >= 51);
    // Backlog first, in order: 1 by the pacing, 50 more thanks to the 50 live messages, which wait behind the rest.
    expect(connection.payloads()).toEqual(Array.from({ length: 51 }, (_, i) => String(i + 1)));
    connection.ack();
    expect(p.stats()).toMatchObject({ delivered: 51, pending: 50, queued: 49 });
  });

  it('keeps reading the backlog when the connection comes back while a read was under way', async () => {
    const p = start({ flushRate: 0 });
    for (let n = 1; n <= 20; n++) await p.publish(reading(n));
    connection.connect(); // a read of the backlog starts...
    connection.disconnect(); // ...the connection drops and comes back before it finishes
    connection.connect();
    await until(() => connection.sent.length === 20);
    expect(connection.payloads()).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)));
  });

  it('reports refused messages at once, then at most once per interval with their count (no line per message)', async () => {
    const p = start({ reportIntervalMs: 60_000 });
    const reports: [number, string][] = [];
    p.on('rejected', (count, latest) => reports.push([count, latest.topic]));
    const invalid = (n: number): OutboundMessage => ({ ...reading(n), topic: `m/+/${n}` });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => p.publish(invalid(i + 1))));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(reports).toEqual([[1, 'm/+/1']]);
    await p.close();
    expect(reports).toEqual([
      [1, 'm/+/1'],
      [99, 'm/+/100'],
    ]);
    expect(p.stats().rejected).toBe(100);
  });

  it('puts what was in flight and pending back on disk, in order, when the connection drops', async () => {
    const p = start({ inFlightWindow: 2 });
    connection.connect();
    const results = [1, 2, 3, 4].map((n) => p.publish(reading(n)));
    connection.disconnect();
    expect((await Promise.all(results)).map((r) => r.status)).toEqual(['queued', 'queued', 'queued', 'queued']);
    connection.sent.length = 0;
    connection.connect();
    await until(() => connection.sent.length === 2);
    connection.ack();
    await until(() => connection.sent.length === 2);
    connection.ack();
    await until(() => p.stats().queued === 0);
    expect(p.stats().delivered).toBe(4);
  });
});
