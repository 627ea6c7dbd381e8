/** What the MQTT integration tests share: a watching subscriber, condition waits, and tidy temp dirs. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';

/** Polls `condition` until it holds; never asserts on timing, only gives up after a generous limit. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface Watcher {
  client: MqttClient;
  /** Payloads in arrival order, duplicates included. */
  received: string[];
  /** Per arrival: the broker marked it DUP, i.e. re-delivered it to this session itself (after its own restart). */
  brokerRedelivered: boolean[];
  close(): Promise<void>;
}

/**
 * A subscriber that records every payload on `topic` (QoS 1); resolves once the subscription is acknowledged.
 * `slowMs` makes it take that long over each message before acknowledging it, like a busy home-automation server.
 */
export async function watch(
  url: string,
  topic: string,
  options: IClientOptions & { slowMs?: number } = {},
): Promise<Watcher> {
  const { slowMs, ...clientOptions } = options;
  const client = connect(url, { reconnectPeriod: 100, connectTimeout: 5000, ...clientOptions });
  client.on('error', () => {});
  if (slowMs !== undefined) client.handleMessage = (_packet, done) => void setTimeout(done, slowMs);
  const received: string[] = [];
  const brokerRedelivered: boolean[] = [];
  client.on('message', (_topic, payload, packet) => {
    received.push(payload.toString('utf8'));
    brokerRedelivered.push(packet.dup);
  });
  await new Promise<void>((resolve, reject) => {
    // A resumed session (clean: false) keeps its subscription: subscribing again is harmless.
    client.once('connect', () => {
      client.subscribe(topic, { qos: 1 }, (error) => (error ? reject(error) : resolve()));
    });
  });
  return {
    client,
    received,
    brokerRedelivered,
    close: () => client.endAsync(true).catch(() => {}),
  };
}

/**
 * Checks a sequence of numbered readings as a subscriber saw it: every number 1..n arrived, the first arrivals are in
 * order, and returns how many arrived more than once (allowed at QoS 1 only for messages that were in flight).
 */
export function checkReadings(received: string[], numbers: number[]): { duplicates: number } {
  const seen = new Set<number>();
  const firsts: number[] = [];
  for (const payload of received) {
    const n = Number(payload);
    if (!seen.has(n)) firsts.push(n);
    seen.add(n);
  }
  if (JSON.stringify(firsts) !== JSON.stringify(numbers)) {
    const missing = numbers.filter((n) => !seen.has(n));
    throw new Error(
      `readings out of order or missing: ${missing.length} missing (first: ${missing.slice(0, 5).join(', ')})`,
    );
  }
  return { duplicates: received.length - firsts.length };
}

/**
 * Copies the publisher sent more than once: repeated arrivals the broker did not mark as its own re-delivery. At QoS 1
 * only messages still awaiting their PUBACK when the connection dropped may be among them, so at most the window.
 */
export function publisherDuplicates(w: Watcher): number {
  const fresh = w.received.filter((_, i) => !w.brokerRedelivered[i]);
  return fresh.length - new Set(fresh).size;
}

export const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export function tempDirs(): { make(prefix: string): string; removeAll(): void } {
  const made: string[] = [];
  return {
    make(prefix) {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    removeAll() {
      for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}
