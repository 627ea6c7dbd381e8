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
 * one. The instance therefore measures how long messages wait for it: a probe on its own topic, subscribed on the same
 * session, queues at the broker behind the gateway messages, so every message handled after the probe came back
 * reached the broker after the probe was sent. A reading that may have waited longer than `maxDelayMs` (kept below the
 * meters' interval) goes to `late`: another instance may have published its meter's next reading meanwhile.
 */
import { EventEmitter } from 'node:events';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import {
  harmonize,
  meterInfoPayload,
  profileTopics,
  PUBLISH_OPTIONS,
  rlDspMessage,
  statePayload,
  valuePayload,
  type ProfileTopics,
} from '../../../shared/profile/index.ts';
import type { ObisMessage } from '../../../shared/protocols/types.ts';
import {
  createGatewayReader,
  hasOwnOrigin,
  ORIGIN_PROPERTY,
  type GatewayConfig,
  type GatewayOutput,
  type GatewayReader,
} from '../../../shared/sources/index.ts';
import { subscriberClientOptions } from '../mqtt/client-options.ts';
import { describeConnectionError } from '../mqtt/connection-options.ts';
import type { Logger } from '../service/logger.ts';
import { HaAnnouncer } from './ha-announcer.ts';
import { MeterLedger } from './meter-ledger.ts';

export interface TranslateOptions {
  url: string;
  username?: string;
  password?: string;
  /** Names this instance in its client id and under `<base>/bridge/<instanceId>/`; stable across restarts. */
  instanceId: string;
  /** The shared subscription group every instance of one deployment uses. */
  group: string;
  baseTopic: string;
  gateways: readonly GatewayConfig[];
  /** How long the broker keeps this instance's session (and its share of messages) while it is away, seconds. */
  sessionExpirySeconds: number;
  /** A meter no instance has published for in this long goes `offline`, seconds. */
  offlineAfterSeconds: number;
  /** How often the instance's counters are published, seconds. */
  statsIntervalSeconds: number;
  /** A reading that may have waited at the broker longer than this goes to `late`; below the meters' interval, ms. */
  maxDelayMs: number;
  /** Home Assistant discovery under this prefix (ha-announcer.ts); none when absent. */
  homeAssistantPrefix?: string;
  /** RL-DSP bundles on `dt/<group>/<meter>/ds` beside the profile; none when absent. */
  rlDsp?: { group: string; scale: 'base' | 'kilo' };
  version: string;
  log: Logger;
  reconnectPeriodMs?: number;
}

export interface TranslateCounters {
  /** Gateway messages received on the shared subscriptions. */
  received: number;
  /** Readings translated and published. */
  translated: number;
  /** Readings older than the newest already published for their meter: sent to `<base>/<id>/late` only. */
  late: number;
  /** Readings that may have waited at the broker longer than maxDelayMs: sent to `<base>/<id>/late` only. */
  delayed: number;
  /** Gateway messages that could not be read (a typed error each). */
  errors: number;
  /** Messages no configured gateway claims, and the bridge's own output. */
  ignored: number;
  /** Outgoing messages the broker refused or that failed to send. */
  publishFailures: number;
}

export interface TranslateStatus {
  connected: boolean;
  subscribed: boolean;
  counters: TranslateCounters;
  meters: number;
}

/** Gateway messages the broker may have in flight to this instance (MQTT 5 Receive Maximum). */
const RECEIVE_WINDOW = 32;
/** Time between two delay probes (several are in flight while messages wait): how stale the proof can be, ms. */
const PROBE_SPACING_MS = 100;
/** Probes in flight at most (a broker that stopped answering is not sent more). */
const MAX_PROBES = 100;
/** Late readings are history, not the meter's present, and probes are this instance's own: never retained. */
const NOT_RETAINED = { qos: 1, retain: false } as const;
const origin = { userProperties: { [ORIGIN_PROPERTY]: '1' } };

export class TranslateService extends EventEmitter<{ ready: [ready: boolean] }> {
  private client: MqttClient | undefined;
  /** The ledger's own connection (see openLedgerFeed). */
  private feed: MqttClient | undefined;
  private readonly reader: GatewayReader;
  private readonly ledger: MeterLedger;
  private readonly announcer: HaAnnouncer | undefined;
  private readonly topics: ProfileTopics;
  private readonly instanceRoot: string;
  private readonly probeTopic: string;
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
  /** Every message handled now reached the broker after this local time (ms): when the last probe back was sent. */
  private arrivedAfter = -Infinity;
  /** Probes sent on this connection and not back yet, oldest first. */
  private probes: string[] = [];
  private probeTimer: NodeJS.Timeout | undefined;
  private probeSeq = 0;

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
    // Five levels: consumers' value-topic pattern `<base>/+/+/+` (the Telegraf snippet) never sees the probes.
    this.probeTopic = `${this.instanceRoot}/probe/delay`;
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
    await this.openLedgerFeed().catch((e: Error) => {
      if (!this.stopped) this.options.log.warn(`retained topics not read before start: ${e.message}`);
    });
    if (!this.stopped) this.connect();
  }

  /**
   * The ledger's topics on a clean connection of their own: the retained state bundles once, then meters' status
   * changes and Home Assistant discovery, never queued behind this instance's backlog of gateway messages. Resolves
   * once the retained topics are
   * read, i.e. a marker published after subscribing has come back (a broker sends a subscription's retained messages
   * first).
   */
  private async openLedgerFeed(): Promise<void> {
    const { options } = this;
    const marker = `${this.instanceRoot}/sync`;
    const feed = (this.feed = mqtt.connect(
      options.url,
      subscriberClientOptions({
        protocolVersion: 5,
        clientId: `smartmeter-bridge-translate-${options.instanceId}-ledger`,
        username: options.username,
        password: options.password,
        reconnectPeriodMs: options.reconnectPeriodMs ?? 2000,
      }),
    ));
    // Until the session's connection exists (it reports broker problems), the feed says why the broker is out of reach.
    feed.on('error', (error) => {
      if (!this.client) this.warnBroker(error);
    });
    let synced: () => void = () => {};
    const done = new Promise<void>((resolve) => (synced = resolve));
    feed.on('message', (topic, payload) => {
      if (topic === marker) synced();
      else if (!this.ledger.learn(topic, payload, Date.now())) this.announcer?.learn(topic, payload);
    });
    const { stateFilter, statusFilter } = this.ledger;
    const kept = [statusFilter, ...(this.announcer ? [this.announcer.filter] : [])];
    let learned = false;
    feed.on('connect', () => {
      if (learned) feed.subscribe(kept, { qos: 1 });
      else
        feed.subscribe([stateFilter, ...kept, marker], { qos: 1 }, (error) => {
          if (!error) feed.publish(marker, String(Date.now()), { qos: 1 });
        });
    });
    void done.then(() => {
      learned = true;
      feed.unsubscribe([stateFilter, marker]);
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${marker} did not come back within 10 s`)), 10_000);
      feed.once('end', () => reject(new Error('stopped'))); // a signal during the start ends the wait
    });
    await Promise.race([done, late]).finally(() => clearTimeout(timer));
    options.log.info(`learned ${this.ledger.size} meter(s) from the retained topics`);
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
      clearInterval(this.probeTimer);
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
    clearInterval(this.probeTimer);
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
    if (!sessionPresent) this.arrivedAfter = Date.now();
    this.send(client, `${this.instanceRoot}/status`, 'online', PUBLISH_OPTIONS.bridgeStatus);
    // Subscribed again on every connect: a broker that lost the session (a restart without persistence) serves us again.
    const filters = this.sharedFilters;
    client.subscribe([...filters, this.probeTopic], { qos: 1 }, (error, granted) => {
      const refused = granted?.filter((g) => g.qos >= 128).map((g) => g.topic) ?? [];
      if (error || refused.length) {
        this.options.log.error(`subscribing failed: ${error?.message ?? `refused ${refused.join(', ')}`}`);
        return;
      }
      this.options.log.info(`subscribed to ${filters.join(', ')}`);
      this.setSubscribed(client.connected);
      this.probes = [];
      clearInterval(this.probeTimer);
      this.probeTimer = setInterval(() => this.sendProbe(client), PROBE_SPACING_MS);
      this.sendProbe(client);
    });
  }

  /**
   * A probe queues at the broker behind every gateway message sent to this session before it. Several are in flight
   * while messages wait, so the proof of how long they waited is never more than PROBE_SPACING_MS stale.
   */
  private sendProbe(client: MqttClient): void {
    if (!client.connected || this.stopped || this.probes.length >= MAX_PROBES) return;
    const probe = `${Date.now()}:${++this.probeSeq}`;
    this.probes.push(probe);
    this.send(client, this.probeTopic, probe, NOT_RETAINED);
  }

  private probeReturned(payload: Buffer): void {
    const text = payload.toString('utf8');
    const index = this.probes.indexOf(text);
    if (index < 0) return; // an earlier connection's probe, or someone else's message
    this.probes.splice(0, index + 1);
    this.arrivedAfter = Number(text.slice(0, text.indexOf(':')));
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
    if (topic === this.probeTopic) {
      this.probeReturned(payload);
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
      if (output.ok) this.translate(client, output.message, output.device);
      else this.counters.errors++;
    }
  }

  private translate(client: MqttClient, message: ObisMessage, device: string): void {
    const nowMs = Date.now();
    const receivedAt = nowMs / 1000;
    const meterId = message.meterId ?? device;
    const topics = this.topics.meter(meterId);
    const readings = harmonize(message, this.ledger.get(topics.id)?.tariffs);
    const state = statePayload(readings, message.timestamp, receivedAt);
    const delayed = nowMs - this.arrivedAfter > this.options.maxDelayMs;
    if (delayed || !this.ledger.accepts(topics.id, state.timestamp)) {
      // Kept, but off the live topics, which only move forward (Home Assistant books a lower total as a reset).
      this.counters[delayed ? 'delayed' : 'late']++;
      this.ledger.heard(topics.id, nowMs); // not live, but the meter spoke: never reported offline for it
      this.send(client, `${this.topics.base}/${topics.id}/late`, JSON.stringify(state), NOT_RETAINED);
      return;
    }
    const entry = this.ledger.published(topics.id, state.timestamp, Object.keys(state.readings), nowMs);
    const info = meterInfoPayload({ ...message, meterId }, { source: `mqtt:${device.split('/')[0]}` });
    const infoJson = JSON.stringify(info);
    if (infoJson !== entry.infoJson) {
      entry.infoJson = infoJson;
      this.send(client, topics.info, infoJson, PUBLISH_OPTIONS.info);
    }
    const discovery = this.announcer?.announce(info, readings);
    if (discovery) this.send(client, discovery.topic, discovery.payload, PUBLISH_OPTIONS.discovery);
    if (!entry.online) {
      entry.online = true;
      this.send(client, topics.status, 'online', PUBLISH_OPTIONS.status);
    }
    for (const r of readings) {
      this.send(client, topics.value(r.topic), JSON.stringify(valuePayload(r, receivedAt)), PUBLISH_OPTIONS.value);
    }
    // A one-value reading would replace the meter's whole state bundle with a part of it.
    if (!device.startsWith('datacollector/'))
      this.send(client, topics.state, JSON.stringify(state), PUBLISH_OPTIONS.state);
    if (this.options.rlDsp) {
      const rl = rlDspMessage(topics.id, readings, message.timestamp, receivedAt, this.options.rlDsp);
      // `ts` alone: none of the readings is an RL-DSP register.
      if (Object.keys(rl.payload.meter).length > 1)
        this.send(client, rl.topic, JSON.stringify(rl.payload), PUBLISH_OPTIONS.rlDsp);
    }
    this.counters.translated++;
  }

  private send(client: MqttClient, topic: string, payload: string, options: { qos: 0 | 1; retain: boolean }): void {
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
