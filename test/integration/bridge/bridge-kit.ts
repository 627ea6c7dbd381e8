/**
 * What the bridge integration tests share: one cleanup list run after every test (even a failed one), condition
 * waits, a real Mosquitto, an MQTT recorder standing in for the user's consumer, and a BridgeService started from a
 * config object exactly as `serve` starts it from a file.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { validateConfig } from '../../../electron/core/config/load-config.ts';
import { BridgeService, type BridgeServiceOptions } from '../../../electron/core/service/bridge-service.ts';
import { createLogger } from '../../../electron/core/service/logger.ts';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.ts';

/** Undo steps, run newest first after each test; a failing step never keeps the others from running. */
export function cleanupList(): { add(step: () => unknown): void; run(): Promise<void> } {
  const steps: (() => unknown)[] = [];
  return {
    add: (step) => void steps.push(step),
    async run() {
      for (const step of steps.splice(0).reverse())
        await Promise.resolve()
          .then(step)
          .catch(() => undefined);
    },
  };
}
export type Cleanup = ReturnType<typeof cleanupList>;

/** Polls `condition` until it holds; never asserts on timing, only gives up after a generous limit. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function tempDir(cleanup: Cleanup, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanup.add(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A real Mosquitto; `persistent` keeps sessions and queued messages across its restarts, as a home server's does. */
export async function broker(cleanup: Cleanup, persistent = false): Promise<Mosquitto> {
  const extra: string[] = [];
  if (persistent) {
    const db = tempDir(cleanup, 'smb-it-mosq-db-');
    chmodSync(db, 0o777); // started as root, mosquitto drops to its own user, which must write the database
    extra.push('persistence true', `persistence_location ${db}/`);
  }
  const b = await startMosquitto(extra);
  cleanup.add(() => b.dispose());
  return b;
}

export interface Received {
  topic: string;
  payload: string;
  /** Set for a retained message replayed on subscribing, clear for a live one. */
  retain: boolean;
}

export interface Recorder {
  client: MqttClient;
  messages: Received[];
  /** Live payloads on `topic`, in arrival order. */
  payloads(topic: string): string[];
  /** The last live payload on `topic`, parsed as JSON. */
  lastJson<T = ValuePayload>(topic: string): T | undefined;
}

/** A value topic's payload (docs/mqtt-profile.md section 3). */
export interface ValuePayload {
  timestamp: number;
  value: number;
  unit: string;
  obis?: string;
}

/** A consumer subscribed (QoS 1) to `filter`; resolves once the subscription is acknowledged. */
export async function recorder(
  cleanup: Cleanup,
  url: string,
  filter = '#',
  options: IClientOptions = {},
): Promise<Recorder> {
  const client = mqtt.connect(url, { reconnectPeriod: 100, connectTimeout: 5000, ...options });
  cleanup.add(() => client.endAsync(true));
  client.on('error', () => undefined);
  const messages: Received[] = [];
  client.on('message', (topic, payload, packet) =>
    messages.push({ topic, payload: payload.toString('utf8'), retain: packet.retain }),
  );
  await new Promise<void>((resolve, reject) => {
    // A resumed session (clean: false) keeps its subscription: subscribing again is harmless.
    client.once('connect', () => client.subscribe(filter, { qos: 1 }, (e) => (e ? reject(e) : resolve())));
  });
  const payloads = (topic: string) => messages.filter((m) => m.topic === topic && !m.retain).map((m) => m.payload);
  return {
    client,
    messages,
    payloads,
    lastJson<T>(topic: string) {
      const last = payloads(topic).at(-1);
      return last === undefined ? undefined : (JSON.parse(last) as T);
    },
  };
}

/** The retained payload of `topic` as a consumer connecting now sees it (undefined: nothing retained). */
export async function retained(url: string, topic: string): Promise<string | undefined> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  try {
    const got = new Promise<string>((resolve) =>
      client.on('message', (t, payload, packet) => t === topic && packet.retain && resolve(payload.toString())),
    );
    await client.subscribeAsync(topic, { qos: 1 });
    // A broker sends retained messages right after the SUBACK; a short grace covers "nothing retained".
    return await Promise.race([got, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 500))]);
  } finally {
    await client.endAsync(true);
  }
}

export interface RunningBridge {
  service: BridgeService;
  /** Every log line, as `serve` would print them. */
  log: string[];
}

/**
 * A BridgeService publishing to `brokerUrl` (embedded broker off), Home Assistant discovery off unless the config
 * says otherwise, quick reconnects; `config` is merged over that and validated like a config file.
 */
export async function startBridge(
  cleanup: Cleanup,
  brokerUrl: string,
  config: Record<string, unknown>,
  options: Partial<BridgeServiceOptions> = {},
): Promise<RunningBridge> {
  const input = {
    broker: { url: brokerUrl },
    embeddedBroker: { enabled: false },
    // No timeZone: meter clocks without an offset must come out right by the family's zone, on a UTC machine too.
    ...config,
    profile: { homeAssistant: { enabled: false }, ...(config.profile as object | undefined) },
  };
  const validated = validateConfig(input, tmpdir());
  if (!validated.ok) throw new Error(`test config rejected: ${validated.problems.join('; ')}`);
  const log: string[] = [];
  const service = new BridgeService({
    config: validated.config,
    dataDir: tempDir(cleanup, 'smb-it-data-'),
    version: '0.0.0-test',
    log: createLogger((line) => log.push(line), 'debug'),
    availabilityCheckMs: 100,
    reconnect: { minMs: 50, maxMs: 300 },
    ...options,
  });
  cleanup.add(() => service.stop());
  await service.start();
  return { service, log };
}

/** The profile's topic of one quantity (docs/mqtt-profile.md section 1). */
export const topicOf = (meterId: string, quantity: string): string => `smartmeter/${meterId}/${quantity}`;
