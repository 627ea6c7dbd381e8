/**
 * A consumer of the harmonized profile for load tests and benches: subscribes `<base>/#` at QoS 1 and keeps, compactly,
 * the payload timestamp of every live value message per topic, so that hundreds of thousands of arrivals can be
 * checked for loss, duplicates and per-meter order without holding the payloads.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export interface ProfileConsumer {
  client: MqttClient;
  /** Live messages received on the profile's topics (bridge and meter topics, values, state, info, status). */
  received(): number;
  /** performance.now() of the latest live message (0: none yet). */
  lastArrival(): number;
  /** Payload timestamps per topic, in arrival order (live messages with a numeric `timestamp` only). */
  timestamps(topic: string): readonly number[];
  /** Topics that carried timestamped values, under `prefix` (e.g. `smartmeter/<meterId>/`). */
  topics(prefix: string): string[];
  /** Every live payload received on a topic whose last level is `status`, e.g. `smartmeter/bridge/status`. */
  statuses(topic: string): readonly string[];
  close(): Promise<void>;
}

const TIMESTAMP = /"timestamp":(\d+)/;

export async function profileConsumer(
  url: string,
  base = 'smartmeter',
  options: IClientOptions = {},
): Promise<ProfileConsumer> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 100, ...options });
  client.on('error', () => undefined);
  const byTopic = new Map<string, number[]>();
  const status = new Map<string, string[]>();
  let received = 0;
  let lastArrival = 0;
  client.on('message', (topic, payload, packet) => {
    if (packet.retain) return;
    const text = payload.toString('utf8');
    // smartmeter-datacollector publishes under the same base; its data point names are UPPER_SNAKE, the profile's not.
    if (/\/[A-Z0-9_]+$/.test(topic)) return;
    received++;
    lastArrival = performance.now();
    if (topic.endsWith('/status')) {
      const list = status.get(topic) ?? [];
      status.set(topic, list);
      list.push(text);
      return;
    }
    const match = TIMESTAMP.exec(text);
    if (!match) return;
    const list = byTopic.get(topic) ?? [];
    byTopic.set(topic, list);
    list.push(Number(match[1]));
  });
  await client.subscribeAsync(`${base}/#`, { qos: 1 });
  return {
    client,
    received: () => received,
    lastArrival: () => lastArrival,
    timestamps: (topic) => byTopic.get(topic) ?? [],
    topics: (prefix) => [...byTopic.keys()].filter((t) => t.startsWith(prefix)),
    statuses: (topic) => status.get(topic) ?? [],
    close: () => client.endAsync(true),
  };
}

export interface DeliveryVerdict {
  /** Readings sent whose timestamp never arrived on the topic. */
  lost: number;
  /** Arrivals beyond the first of each reading (QoS 1 repeats what was in flight when a connection dropped). */
  repeats: number;
  /** The most copies of one reading. */
  maxCopies: number;
  /** Whether first arrivals came in the order the meter made them. */
  ordered: boolean;
}

/** Compares what one meter sent (its reading timestamps, in order) with what arrived on one of its topics. */
export function verdict(sent: readonly number[], arrived: readonly number[]): DeliveryVerdict {
  const copies = new Map<number, number>();
  for (const t of arrived) copies.set(t, (copies.get(t) ?? 0) + 1);
  const first = [...copies.keys()];
  const expected = new Set(sent);
  const inOrder = first.filter((t) => expected.has(t));
  return {
    lost: sent.filter((t) => !copies.has(t)).length,
    repeats: arrived.length - copies.size,
    maxCopies: Math.max(0, ...copies.values()),
    ordered: inOrder.every((t, i) => i === 0 || t > inOrder[i - 1]!),
  };
}

/**
 * The verdict over every reading of many meters: each meter's timestamped topics that carry its readings, against what
 * it sent. A sub-meter with a clock of its own (DSMR gas: a capture time every 5 minutes) is left out by `ownClock`: its
 * capture time can coincide with a reading's second, and then every other reading would count as lost on its topic.
 * A meter of which nothing arrived counts `topicsPerReading` losses per reading.
 */
export function fleetVerdict(
  consumer: ProfileConsumer,
  sent: ReadonlyMap<string, readonly number[]>,
  base = 'smartmeter',
  topicsPerReading = 1,
  ownClock?: RegExp,
): DeliveryVerdict {
  const verdicts: DeliveryVerdict[] = [];
  for (const [meterId, timestamps] of sent) {
    const own = new Set(timestamps);
    const topics = consumer
      .topics(`${base}/${meterId}/`)
      .filter((topic) => !ownClock?.test(topic))
      .filter((topic) => consumer.timestamps(topic).some((t) => own.has(t)));
    if (topics.length === 0 && timestamps.length > 0) {
      verdicts.push({ lost: timestamps.length * topicsPerReading, repeats: 0, maxCopies: 0, ordered: true });
    }
    for (const topic of topics) verdicts.push(verdict(timestamps, consumer.timestamps(topic)));
  }
  return combined(verdicts);
}

/** Readings as the state bundle shows them (one per reading, every meter): the exact count of readings lost. */
export function stateVerdict(
  consumer: ProfileConsumer,
  sent: ReadonlyMap<string, readonly number[]>,
  base = 'smartmeter',
): DeliveryVerdict {
  return combined([...sent].map(([id, timestamps]) => verdict(timestamps, consumer.timestamps(`${base}/${id}/state`))));
}

/** Sums the verdicts of many meters' topics. */
export function combined(verdicts: readonly DeliveryVerdict[]): DeliveryVerdict {
  return {
    lost: verdicts.reduce((n, v) => n + v.lost, 0),
    repeats: verdicts.reduce((n, v) => n + v.repeats, 0),
    maxCopies: Math.max(0, ...verdicts.map((v) => v.maxCopies)),
    ordered: verdicts.every((v) => v.ordered),
  };
}
