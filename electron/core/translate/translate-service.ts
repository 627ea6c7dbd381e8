/**
 * Translate mode: raw gateway MQTT in, the harmonized profile out, on one broker, with no serial port, no UI, no
 * embedded broker and no disk. N instances share the work through MQTT 5 shared subscriptions (`$share/<group>/...`).
 *
 * Delivery: one MQTT connection carries both directions, and a gateway message's outputs are handed to it in the same
 * synchronous turn that reads the message, before mqtt.js sends that message's PUBACK. TCP keeps the order, so the
 * broker holds the outputs before it learns the input was taken: an instance that dies (SIGKILL) loses nothing it
 * acknowledged. Its session is persistent (clean start off, a session expiry), so the broker keeps what it had not
 * acknowledged, and what the broker keeps assigning to it while it is away, for the instance that comes back under
 * the same id; a message translated but not yet acknowledged is translated twice (idempotent: same topics, same values).
 *
 * Per-meter state lives in the broker's retained topics (MeterLedger), not in this instance's memory.
 *
 * Order: shared subscriptions hand successive readings of one meter to different instances, so an instance that is
 * behind (a backlog after a restart, a starved CPU) could publish a reading after another instance published the next
 * one. The instance therefore measures how long messages wait for it (delay-probe.ts), and a reading that may have
 * waited longer than `maxDelayMs` (kept below the meters' interval) goes to `late` (reading-outputs.ts).
 */
import { EventEmitter } from 'node:events';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { profileTopics, PUBLISH_OPTIONS, type ProfileTopics } from '../../../shared/profile/index.ts';
import {
  createGatewayReader,
  hasOwnOrigin,
  ORIGIN_PROPERTY,
  type GatewayOutput,
  type GatewayReader,
} from '../../../shared/sources/index.ts';
import { subscriberClientOptions } from '../mqtt/client-options.ts';
import { describeConnectionError } from '../mqtt/connection-options.ts';
import { DelayProbe } from './delay-probe.ts';
import { HaAnnouncer } from './ha-announcer.ts';
import { openLedgerFeed } from './ledger-feed.ts';
import { MeterLedger } from './meter-ledger.ts';
import { NOT_RETAINED, ReadingOutputs, type PublishFlags } from './reading-outputs.ts';
import type { TranslateCounters, TranslateOptions, TranslateStatus } from './translate-options.ts';

/** Gateway messages the broker may have in flight to this instance (MQTT 5 Receive Maximum). */
const RECEIVE_WINDOW = 32;
const origin = { userProperties: { [ORIGIN_PROPERTY]: '1' } };

export class TranslateService extends EventEmitter<{ ready: [ready: boolean] }> {
  private client: MqttClient | undefined;
  /** The ledger's own connection (ledger-feed.ts). */
  private feed: MqttClient | undefined;
  private readonly reader: GatewayReader;
  private readonly ledger: MeterLedger;
  private readonly announcer: HaAnnouncer | undefined;
  private readonly topics: ProfileTopics;
  private readonly instanceRoot: string;
  private readonly probe: DelayProbe;
  private readonly outputs: ReadingOutputs;
  private readonly counters: TranslateCounters = {
    received: 0,
    translated: 0,
    late: 0,
    delayed: 0,
    errors: 0,
    ignored: 0,
    publishFailures: 0,
  };
  private subscribed = false;
  private timers: NodeJS.Timeout[] = [];
  private loggedFailures = 0;
  private stopped = false;

  /** Throws a TypeError for an unusable base topic or time zone. */
  constructor(private readonly options: TranslateOptions) {
    super();
    this.topics = profileTopics(options.baseTopic);
    // A datacollector push is one message per value, and shared subscriptions hand them to different instances: each
    // value is published as it comes (a reading of its own), never joined in one instance's memory.
    const gateways = options.gateways.map((g) => (g.kind === 'datacollector' ? { ...g, group: false } : g));
    this.reader = createGatewayReader(gateways, { baseTopic: options.baseTopic });
    this.ledger = new MeterLedger(options.baseTopic);
    const prefix = options.homeAssistantPrefix;
    this.announcer = prefix === undefined ? undefined : new HaAnnouncer({ ...options, prefix });
    this.instanceRoot = `${options.baseTopic}/bridge/${options.instanceId}`;
    const probeTopic = `${this.instanceRoot}/probe/delay`;
    this.probe = new DelayProbe(probeTopic, (client, payload) => this.send(client, probeTopic, payload, NOT_RETAINED));
    this.outputs = new ReadingOutputs({
      topics: this.topics,
      ledger: this.ledger,
      announcer: this.announcer,
      probe: this.probe,
      counters: this.counters,
      options,
      send: (client, topic, payload, flags) => this.send(client, topic, payload, flags),
    });
  }

  /** The shared subscriptions: the gateways' filters under `$share/<group>/`. */
  get sharedFilters(): string[] {
    return this.reader.filters.map((filter) => `$share/${this.options.group}/${filter}`);
  }

  /** Connected and subscribed: what /healthz reports. */
  get ready(): boolean {
    return this.subscribed && this.client?.connected === true;
  }

  status(): TranslateStatus {
    return {
      connected: this.client?.connected === true,
      subscribed: this.subscribed,
      counters: { ...this.counters },
      meters: this.ledger.size,
    };
  }

  /**
   * Opens the ledger's feed first, then the session: a returning instance's broker hands it its queued (older)
   * readings at once, and they must be judged against what was published meanwhile. A broker that cannot be reached
   * now is waited for by both connections' own reconnects.
   */
  async start(): Promise<void> {
    if (this.client || this.stopped) return;
    // Until the session's connection exists (it reports broker problems), the feed says why the broker is out of reach.
    const feed = openLedgerFeed(this.options, this.instanceRoot, this.ledger, this.announcer, (error) => {
      if (!this.client) this.warnBroker(error);
    });
    this.feed = feed.client;
    try {
      await feed.learned;
      this.options.log.info(`learned ${this.ledger.size} meter(s) from the retained topics`);
    } catch (e) {
      if (!this.stopped) this.options.log.warn(`retained topics not read before start: ${(e as Error).message}`);
    }
    if (!this.stopped) this.connect();
  }

  private connect(): void {
    const { options } = this;
    const clientOptions: IClientOptions = {
      ...subscriberClientOptions({
        protocolVersion: 5,
        clientId: `smartmeter-bridge-translate-${options.instanceId}`,
        username: options.username,
        password: options.password,
        reconnectPeriodMs: options.reconnectPeriodMs ?? 2000,
        sessionExpirySeconds: options.sessionExpirySeconds,
        // A small window: the broker keeps the backlog, and the ledger's feed is read between a few messages at a time.
        properties: { receiveMaximum: RECEIVE_WINDOW },
      }),
      will: { topic: `${this.instanceRoot}/status`, payload: Buffer.from('offline'), qos: 1, retain: true },
    };
    const client = (this.client = mqtt.connect(options.url, clientOptions));
    client.on('connect', (connack) => this.onConnect(client, connack.sessionPresent));
    client.on('message', (topic, payload, packet) => this.onMessage(topic, payload, packet));
    client.on('close', () => {
      this.probe.pause();
      this.setSubscribed(false);
    });
    client.on('error', (error) => this.warnBroker(error));
    this.timers.push(
      setInterval(() => this.expire(), 1000),
      setInterval(() => this.publishStats(), options.statsIntervalSeconds * 1000),
    );
  }

  private warnBroker(error: Error): void {
    const { url, password } = this.options;
    this.options.log.warn(`broker ${url}: ${describeConnectionError(error, password ? [password] : []).message}`);
  }

  /** Publishes what is still being joined, reports this instance offline, and ends its session. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.probe.end();
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    const client = this.client;
    this.client = undefined;
    if (!client) {
      await this.feed?.endAsync().catch(() => {});
      return;
    }
    client.removeAllListeners('message');
    if (client.connected) {
      this.publishOutputs(client, this.reader.flushAll());
      this.publishStats(client);
      await client.publishAsync(`${this.instanceRoot}/status`, 'offline', { qos: 1, retain: true }).catch(() => {});
    }
    // A stop asked for (scale-down, upgrade) ends the session too: everything taken was handled, and the broker must
    // stop assigning this instance a share of new messages. Only an instance that dies keeps its session.
    const endSession = { properties: { sessionExpiryInterval: 0 } };
    await Promise.all([client.endAsync(false, endSession).catch(() => {}), this.feed?.endAsync().catch(() => {})]);
    this.setSubscribed(false);
  }

  private onConnect(client: MqttClient, sessionPresent: boolean): void {
    this.options.log.info(`connected to ${this.options.url} as ${this.options.instanceId}`);
    // A new session holds no backlog: everything it gets reaches the broker after the subscription below. A session
    // the broker kept delivers what queued meanwhile first, so the proof of a short wait comes from a probe.
    if (!sessionPresent) this.probe.freshSession(Date.now());
    this.send(client, `${this.instanceRoot}/status`, 'online', PUBLISH_OPTIONS.bridgeStatus);
    // Subscribed again on every connect: a broker that lost the session (a restart without persistence) serves us again.
    const filters = this.sharedFilters;
    client.subscribe([...filters, this.probe.topic], { qos: 1 }, (error, granted) => {
      const refused = granted?.filter((g) => g.qos >= 128).map((g) => g.topic) ?? [];
      if (error || refused.length) {
        this.options.log.error(`subscribing failed: ${error?.message ?? `refused ${refused.join(', ')}`}`);
        return;
      }
      this.options.log.info(`subscribed to ${filters.join(', ')}`);
      this.setSubscribed(client.connected);
      this.probe.start(client);
    });
  }

  private setSubscribed(subscribed: boolean): void {
    if (subscribed === this.subscribed) return;
    this.subscribed = subscribed;
    this.emit('ready', this.ready);
  }

  /** Synchronous on purpose: the outputs reach the socket before mqtt.js acknowledges the input (see above). */
  private onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void {
    const client = this.client;
    if (!client) return;
    if (topic === this.probe.topic) {
      this.probe.returned(payload);
      return;
    }
    const now = Date.now();
    this.counters.received++;
    let result: ReturnType<GatewayReader['read']>;
    try {
      result = hasOwnOrigin(packet.properties?.userProperties) ? null : this.reader.read(topic, payload, now);
    } catch {
      // The converters never throw by contract; should one, the message is counted, never a crash.
      this.counters.errors++;
      return;
    }
    if (result === null) {
      this.counters.ignored++;
      return;
    }
    this.publishOutputs(client, result.outputs);
  }

  private publishOutputs(client: MqttClient, outputs: readonly GatewayOutput[]): void {
    for (const output of outputs) {
      if (output.ok) this.outputs.publish(client, output.message, output.device);
      else this.counters.errors++;
    }
  }

  private send(client: MqttClient, topic: string, payload: string, options: PublishFlags): void {
    client.publish(topic, payload, { ...options, properties: origin }, (error) => {
      if (error) this.counters.publishFailures++;
    });
  }

  /** Meters no instance has published for within offlineAfterSeconds: `offline` (every instance may say so; retained). */
  private expire(): void {
    const client = this.client;
    if (!client?.connected) return;
    // Datacollector readings joined from one-value messages: complete once their meter has been quiet a moment.
    this.publishOutputs(client, this.reader.flush(Date.now()));
    for (const id of this.ledger.silentSince(Date.now(), this.options.offlineAfterSeconds * 1000)) {
      this.send(client, this.topics.meter(id).status, 'offline', PUBLISH_OPTIONS.status);
    }
    if (this.counters.publishFailures > this.loggedFailures) {
      this.options.log.warn(`${this.counters.publishFailures - this.loggedFailures} message(s) could not be published`);
      this.loggedFailures = this.counters.publishFailures;
    }
  }

  private publishStats(client = this.client): void {
    if (!client?.connected) return;
    const stats = {
      version: this.options.version,
      group: this.options.group,
      meters: this.ledger.size,
      ...this.counters,
    };
    this.send(client, `${this.instanceRoot}/stats`, JSON.stringify(stats), { qos: 1, retain: true });
  }
}
