/**
 * The bridge as one long-running service, the same in the desktop app and headless: the embedded broker (by
 * default), the publisher with its offline queue, every configured source, and the publication rules between them.
 * A source that fails never stops the others; nothing here throws after start() resolved.
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { BridgeView, SourceView } from '../../../shared/api.ts';
import { toHex } from '../../../shared/protocols/hex.ts';
import type { DecodedMessage, DecoderOptions } from '../../../shared/protocols/types.ts';
import type { ResolvedConfig, ResolvedSource } from '../config/load-config.ts';
import { sameValue } from '../config/same-value.ts';
import { buildClientOptions, type BrokerConnectionOptions } from '../mqtt/connection-options.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../mqtt/embedded-broker.ts';
import { openMqttPublishing, type MqttPublishing } from '../mqtt/open-publishing.ts';
import type { OutboundMessage } from '../mqtt/outbound-message.ts';
import type { HistoryStore } from '../history/history-store.ts';
import { openHistory } from '../history/open-history.ts';
import { ClockCheck } from '../pipeline/clock-check.ts';
import { MeterPublications } from '../pipeline/meter-publications.ts';
import { loadMeterRegistry, MeterRegistryWriter } from '../pipeline/meter-registry.ts';
import { MqttSource } from '../sources/mqtt-source.ts';
import { SerialSource } from '../transports/serial-source.ts';
import { TcpSource } from '../transports/tcp-source.ts';
import type { BackoffOptions } from '../transports/backoff.ts';
import { gatewayConfig, gatewayProtocolVersion } from './gateway-config.ts';
import type { Logger } from './logger.ts';
import { WireSource, type RecentFrame, type SourceCounters } from './wire-source.ts';

export interface BridgeServiceOptions {
  config: ResolvedConfig;
  /** Where the offline queue lives unless the config names a directory. */
  dataDir: string;
  version: string;
  log: Logger;
  now?: () => number;
  /** How often meters are checked for missed intervals; default 1 s. */
  availabilityCheckMs?: number;
  /** Test seam, not a user setting: reconnect backoff of serial/TCP sources and of the broker connection. */
  reconnect?: BackoffOptions;
}

type RunningSource = {
  id: string;
  type: ResolvedSource['type'];
  label: string;
  snapshot(): SourceView;
  /** Serial and TCP sources: the last raw frames, decoded again (diagnostics). */
  frames?(): RecentFrame[];
  stop(): Promise<void>;
};

/** Refused meters are logged at once, then at most this often (ms), with the count since. */
const REFUSED_LOG_INTERVAL_MS = 60_000;

export class BridgeService extends EventEmitter<{ change: [] }> {
  private config: ResolvedConfig;
  private readonly log: Logger;
  private readonly now: () => number;
  private publications: MeterPublications;
  /** Messages held while the output switches to a changed broker (reconfigure), sent once it is open. */
  private held: OutboundMessage[] | undefined;
  private embedded: EmbeddedBroker | undefined;
  /** The broker the profile is published to, as connected (embedded or configured). */
  private output: BrokerConnectionOptions | undefined;
  private publishing: MqttPublishing | undefined;
  private haWatch: MqttClient | undefined;
  private sources: RunningSource[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly clocks = new ClockCheck();
  private registry: MeterRegistryWriter | undefined;
  private historyStore: HistoryStore | undefined;
  /** Per source: meters refused over its cap, in all and since the last log line. */
  private readonly refused = new Map<string, { total: number; unlogged: number; loggedAt: number }>();

  constructor(private readonly options: BridgeServiceOptions) {
    super();
    this.config = options.config;
    this.log = options.log;
    this.now = options.now ?? (() => Date.now() / 1000);
    const { profile } = this.config;
    this.publications = new MeterPublications({ ...profile, version: options.version });
  }

  /** Starts everything; rejects (having cleaned up) only when the output side cannot start at all. */
  async start(): Promise<void> {
    const known = await loadMeterRegistry(this.options.dataDir);
    if (known.problem) this.log.warn(known.problem);
    this.publications.restore(known.meters);
    this.registry = new MeterRegistryWriter(this.options.dataDir, (message) => this.log.warn(message));
    this.historyStore = openHistory(this.config.history, this.options.dataDir, this.log);
    try {
      await this.openOutput();
    } catch (e) {
      await this.stop();
      throw e;
    }
    for (const source of this.config.sources) this.sources.push(this.startSource(source));
    this.timer = setInterval(() => this.tick(), this.options.availabilityCheckMs ?? 1000);
    this.timer.unref();
  }

  /** The embedded broker (if used), the publisher with its disk queue, the Home Assistant watch; rejects when one fails. */
  private async openOutput(): Promise<void> {
    const broker = (this.output = await this.brokerOptions());
    this.publishing = await openMqttPublishing({
      broker,
      queue: {
        dir: this.config.queue.dir ?? join(this.options.dataDir, 'queue'),
        maxMessages: this.config.queue.maxMessages,
        maxBytes: this.config.queue.maxBytes,
      },
      flushRate: this.config.queue.flushRate,
      inFlightWindow: this.config.queue.inFlightWindow,
      maxPending: this.config.queue.maxPending,
    });
    const { connection, publisher } = this.publishing;
    let loggedFailures = 0;
    connection.on('state', (s) => {
      // Once per failed attempt: an attempt changes state several times, but counts its failure once.
      if (s.failedAttempts > loggedFailures && s.lastError) this.log.warn(`broker ${s.url}: ${s.lastError.message}`);
      loggedFailures = s.failedAttempts;
      this.emit('change');
    });
    connection.on('connected', () => {
      this.log.info(`connected to ${connection.state.url}`);
      // Everything retained again: a broker restarted without persistence has forgotten it.
      const now = this.now();
      this.send([
        this.publications.bridgeStatus('online'),
        this.publications.bridgeInfo(now),
        ...this.publications.retained(),
      ]);
    });
    publisher.on('dropped', (count, total) =>
      this.log.warn(`offline queue full: dropped the ${count} oldest messages (${total} so far)`),
    );
    publisher.on('rejected', (count, { topic, reason }) =>
      this.log.warn(`${count} message(s) refused, the latest ${topic}: ${reason}`),
    );
    publisher.on('failed', (count, { topic, reason }) =>
      this.log.error(`could not keep ${count} message(s), the latest ${topic}: ${reason}`),
    );
    publisher.on('warning', (message) => this.log.warn(message));
    // The caller cleans up on failure: a half-started service keeps reconnecting and the process never exits.
    if (this.config.profile.homeAssistant.enabled) await this.watchHomeAssistant(broker);
  }

  /** Ends the output: meters and bridge reported offline there, what is unsent kept in the disk queue. */
  private async closeOutput(closeEmbedded: boolean): Promise<void> {
    const publishing = this.publishing;
    this.publishing = undefined;
    if (publishing) {
      // Straight to this publisher (anything sent from now on is held for the next one or, stopping, not sent). Not
      // awaited: behind a backlog their delivery may take minutes; close() sends them within its bound or keeps them
      // on disk for the next start.
      for (const m of [...this.publications.allOffline(), this.publications.bridgeStatus('offline')]) {
        void publishing.publisher.publish(m);
      }
      await publishing.close({ drainTimeoutMs: this.config.queue.shutdownFlushMs });
    }
    await this.haWatch?.endAsync().catch(() => undefined);
    this.haWatch = undefined;
    if (closeEmbedded) {
      await this.embedded?.close();
      this.embedded = undefined;
    }
  }

  /**
   * Applies a changed config without restarting the process, restarting only what changed: the output (embedded
   * broker, publisher, Home Assistant watch) when the broker, queue or profile changed; the topics when the profile
   * or an alias changed; a source when its own settings, the meters' keys or the zone changed, and gateway sources
   * on the output broker with the output. Messages that arrive during the switch are held and sent to the new
   * output; what the old one had not sent stays in the disk queue, which the new one sends first. If the new output
   * cannot start, the previous config is restored and the error thrown.
   */
  async reconfigure(next: ResolvedConfig): Promise<void> {
    const before = this.config;
    const outputChanged = (['broker', 'embeddedBroker', 'queue', 'profile'] as const).some(
      (key) => !sameValue(before[key], next[key]),
    );
    const aliases = (c: ResolvedConfig) => Object.entries(c.meters).map(([id, m]) => [id, m.alias]);
    const topicsChanged = !sameValue(before.profile, next.profile) || !sameValue(aliases(before), aliases(next));
    const decodingChanged = !sameValue(before.meters, next.meters) || before.timeZone !== next.timeZone;
    const restart = (s: ResolvedSource, old: ResolvedSource | undefined) =>
      !sameValue(s, old) || (s.type === 'mqtt' ? outputChanged && !s.url : decodingChanged);
    const stopping = this.sources.filter((running) => {
      const source = next.sources.find((s) => s.id === running.id);
      return (
        !source ||
        restart(
          source,
          before.sources.find((s) => s.id === running.id),
        )
      );
    });
    await Promise.all(stopping.map((s) => s.stop().catch((e: Error) => this.log.warn(`${s.id}: ${e.message}`))));
    this.sources = this.sources.filter((s) => !stopping.includes(s));
    this.send(stopping.flatMap((s) => this.publications.sourceLost(s.id)));
    if (outputChanged) {
      // Held from before the old output closes: a message given to a closing publisher would be refused.
      this.held = [];
      await this.closeOutput(
        !sameValue(before.embeddedBroker, next.embeddedBroker) || before.broker.url !== next.broker.url,
      );
    }
    const previous = this.publications;
    this.config = next;
    if (topicsChanged) {
      // Each meter gets its record again on its next message, under its new topic; its old status goes offline.
      this.publications = new MeterPublications({ ...next.profile, version: this.options.version });
      this.publications.restore(previous.knownMeters());
    }
    try {
      if (outputChanged) await this.openOutput();
    } catch (e) {
      this.log.error(`the changed settings did not start (${(e as Error).message}): back to the previous ones`);
      this.config = before;
      this.publications = previous;
      await this.closeOutput(true);
      await this.openOutput();
      throw e;
    } finally {
      const held = this.held ?? [];
      this.held = undefined;
      this.send(held);
      for (const source of this.config.sources) {
        if (!this.sources.some((s) => s.id === source.id)) this.sources.push(this.startSource(source));
      }
      this.emit('change');
    }
  }

  private tick(): void {
    const now = this.now();
    this.send([...this.publications.expire(now), ...this.publications.bridgeInfoDue(now)]);
    for (const [sourceId, refused] of this.refused) {
      if (refused.unlogged > 0 && Date.now() - refused.loggedAt >= REFUSED_LOG_INTERVAL_MS) this.logRefused(sourceId);
    }
  }

  /** Graceful shutdown: sources closed, meters and bridge reported offline, queued messages kept on disk. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.sources.map((s) => s.stop().catch((e: Error) => this.log.warn(`${s.id}: ${e.message}`))));
    this.sources = [];
    await this.registry?.flush();
    this.historyStore?.close();
    this.historyStore = undefined;
    await this.closeOutput(true);
  }

  /** The readings' history; undefined when disabled, not started, or its file could not be opened. */
  history(): HistoryStore | undefined {
    return this.historyStore;
  }

  /** The config it runs now, after any live change (its secrets are Secret objects). */
  currentConfig(): ResolvedConfig {
    return this.config;
  }

  /** Each source's last raw frames with their decode tree, made now (the diagnostics page asks; nothing per message). */
  recentFrames(): { id: string; label: string; frames: RecentFrame[] }[] {
    return this.sources.map((s) => ({ id: s.id, label: s.label, frames: s.frames?.() ?? [] }));
  }

  /** What the UI shows; undefined until started. */
  snapshot(): BridgeView | undefined {
    if (!this.publishing) return undefined;
    return {
      version: this.options.version,
      baseTopic: this.config.profile.baseTopic,
      broker: this.publishing.connection.state,
      publisher: this.publishing.publisher.stats(),
      embeddedBroker: this.embedded && { url: this.embedded.url, clients: this.embedded.connectedClients() },
      sources: this.sources.map((s) => {
        const view = s.snapshot();
        const refused = this.refused.get(s.id)?.total;
        return refused ? { ...view, counters: { ...view.counters, metersRefused: refused } } : view;
      }),
      meters: this.publications.snapshot(),
    };
  }

  private async brokerOptions(): Promise<BrokerConnectionOptions> {
    const { broker, embeddedBroker } = this.config;
    if (embeddedBroker.enabled && !this.embedded) {
      this.embedded = await startEmbeddedBroker(embeddedBroker);
      this.log.info(`embedded MQTT broker listening on ${this.embedded.url}`);
    }
    const useEmbedded = broker.url === undefined;
    return {
      url: useEmbedded ? this.embedded!.url : broker.url!,
      username: useEmbedded ? embeddedBroker.username : broker.username,
      password: useEmbedded ? embeddedBroker.password : broker.password,
      clientId: broker.clientId,
      protocolVersion: broker.protocolVersion,
      ca: broker.ca,
      cert: broker.cert,
      key: broker.key,
      rejectUnauthorized: broker.rejectUnauthorized,
      will: this.publications.bridgeStatus('offline'),
      reconnect: this.options.reconnect,
    };
  }

  /** Home Assistant forgets discovered devices when it restarts without a persistent broker: announce them again. */
  private async watchHomeAssistant(broker: BrokerConnectionOptions): Promise<void> {
    const topic = `${this.config.profile.homeAssistant.prefix}/status`;
    const { url, clientOptions } = await buildClientOptions(
      { ...broker, will: undefined },
      `${broker.clientId ?? 'smartmeter-bridge'}-ha`,
    );
    // Unlike the publisher it has nothing to re-send, so mqtt.js may reconnect it (buildClientOptions turns that off).
    this.haWatch = mqtt.connect(url, {
      ...clientOptions,
      clientId: undefined,
      will: undefined,
      reconnectPeriod: this.options.reconnect?.minMs ?? 1000,
    });
    this.haWatch.on('error', () => undefined); // the publisher's connection reports broker problems
    this.haWatch.on('connect', () => this.haWatch?.subscribe(topic, { qos: 1 }));
    this.haWatch.on('message', (_t, payload) => {
      if (payload.toString() === 'online') this.send(this.publications.discoveryAll());
    });
  }

  private send(messages: OutboundMessage[]): Promise<unknown>[] {
    if (this.held) {
      this.held.push(...messages);
      return [];
    }
    const publisher = this.publishing?.publisher;
    if (!publisher) return [];
    return messages.map((m) => publisher.publish(m));
  }

  private handle(message: DecodedMessage, source: { id: string; label: string; maxMeters: number }): void {
    const meterId = message.meterId ?? source.id;
    const configured = this.config.meters[meterId];
    const isNew = !this.publications.has(meterId);
    if (isNew && !configured && this.publications.meterCount(source.id) >= source.maxMeters) {
      this.refuse(source.id, source.maxMeters, meterId);
      return;
    }
    const receivedAt = this.now();
    this.send(
      this.publications.forMessage(message, {
        sourceId: source.id,
        sourceLabel: message.info?.device ? `${source.label}/${message.info.device}` : source.label,
        alias: configured?.alias,
        configured: configured !== undefined,
        receivedAt,
      }),
    );
    if (isNew) this.registry?.save(this.publications.knownMeters());
    this.historyStore?.add(meterId, receivedAt, this.publications.latestReadings(meterId));
    const clockWarning = this.clocks.check(meterId, message.timestamp, receivedAt, this.config.timeZone);
    if (clockWarning) this.log.warn(clockWarning);
    this.emit('change');
  }

  /** A meter over its source's cap: counted, logged at once and then once per interval, never published. */
  private refuse(sourceId: string, maxMeters: number, meterId: string): void {
    let refused = this.refused.get(sourceId);
    if (!refused) this.refused.set(sourceId, (refused = { total: 0, unlogged: 0, loggedAt: -Infinity }));
    refused.total++;
    refused.unlogged++;
    if (Date.now() - refused.loggedAt >= REFUSED_LOG_INTERVAL_MS) this.logRefused(sourceId, maxMeters, meterId);
  }

  private logRefused(sourceId: string, maxMeters?: number, example?: string): void {
    const refused = this.refused.get(sourceId)!;
    const limit = maxMeters === undefined ? '' : ` (it has ${maxMeters}, its maxMeters)`;
    const which = example === undefined ? '' : `, e.g. ${JSON.stringify(example.slice(0, 80))}`;
    this.log.warn(
      `${sourceId}: refused ${refused.unlogged} message(s) of meters beyond the source's limit${limit}${which}; ` +
        `raise "maxMeters" on the source, or list the meter under "meters", if they are real`,
    );
    refused.unlogged = 0;
    refused.loggedAt = Date.now();
  }

  private decoderOptions(source: Extract<ResolvedSource, { type: 'serial' | 'tcp' }>): DecoderOptions {
    // Per-meter keys are configured under the meter's system title (as `decode` shows it in info.systemTitle).
    const byTitle = new Map(
      Object.entries(this.config.meters)
        .filter(([, m]) => m.key)
        .map(([id, m]) => [id.toUpperCase(), { key: m.key?.reveal(), authKey: m.authKey?.reveal() }]),
    );
    return {
      key: source.key?.reveal(),
      authKey: source.authKey?.reveal(),
      keysFor: byTitle.size ? (title) => byTitle.get(toHex(title)) : undefined,
      // Absent: the decoder reads a clock without offset in its meter family's zone, else the machine's.
      timeZone: this.config.timeZone,
      family: source.family,
    };
  }

  private startSource(source: ResolvedSource): RunningSource {
    if (source.type === 'mqtt') return this.startGatewaySource(source);
    const decoderOptions = this.decoderOptions(source);
    const backoff = this.options.reconnect;
    const label = source.type === 'serial' ? `serial:${source.port}` : `tcp:${source.host}:${source.port}`;
    const bytes =
      source.type === 'serial'
        ? new SerialSource({ path: source.port, settings: source.settings, decoderOptions, backoff })
        : new TcpSource({ host: source.host, port: source.port, backoff });
    if (bytes instanceof SerialSource) {
      bytes.on('detected', (d) => this.log.info(`${source.id}: found ${d.label} on ${d.path}`));
    }
    const wire = new WireSource(source.id, label, bytes, source.protocol, decoderOptions, this.now);
    wire.on('message', (m) => this.handle(m, { id: source.id, label, maxMeters: source.maxMeters }));
    wire.on('decodeError', (e) => this.log.debug(`${source.id}: ${e.kind}: ${e.message}`));
    wire.on('state', (s) => {
      this.log.info(
        `${source.id}: ${s.state}${s.detail ? ` (${s.detail})` : ''}${s.error ? `: ${s.error.message}` : ''}`,
      );
      if (s.state === 'waiting') this.send(this.publications.sourceLost(source.id));
      this.emit('change');
    });
    wire.start();
    return {
      id: source.id,
      type: source.type,
      label,
      snapshot: () => ({ id: source.id, type: source.type, label, state: wire.state, counters: wire.counters }),
      frames: () => wire.recentFrames(),
      stop: () => wire.stop(),
    };
  }

  /** The broker a gateway source reads, with its login and MQTT version; no source: the output broker. */
  private gatewayTarget(source?: Extract<ResolvedSource, { type: 'mqtt' }>) {
    // Without a URL of its own the gateway publishes to the bridge's output broker, with the same login.
    const output = this.output!;
    const outputPassword = typeof output.password === 'string' ? output.password : output.password?.reveal();
    const target = source?.url
      ? { url: source.url, username: source.username, password: source.password?.reveal() }
      : { url: output.url, username: output.username, password: outputPassword };
    return {
      ...target,
      protocolVersion: gatewayProtocolVersion(source?.protocolVersion, target.url, this.embedded?.url),
    };
  }

  /** Where gateways publish (the output broker and every gateway source's own), each once: for MQTT discovery. */
  gatewayBrokers(): ReturnType<BridgeService['gatewayTarget']>[] {
    if (!this.output) return [];
    const gateways = this.config.sources.flatMap((s) => (s.type === 'mqtt' ? [this.gatewayTarget(s)] : []));
    const all = [this.gatewayTarget(), ...gateways];
    return all.filter((broker, i) => all.findIndex((other) => other.url === broker.url) === i);
  }

  private startGatewaySource(source: Extract<ResolvedSource, { type: 'mqtt' }>): RunningSource {
    const { profile } = this.config;
    const label = `mqtt:${source.gateway}`;
    const gateway = new MqttSource({
      ...this.gatewayTarget(source),
      gateways: [gatewayConfig(source, this.config.timeZone)],
      guard: { baseTopic: profile.baseTopic, rlDspGroup: profile.rlDsp.enabled ? profile.rlDsp.group : undefined },
    });
    const counters: SourceCounters = { framesOk: 0, crcErrors: 0, decryptErrors: 0, otherErrors: 0 };
    gateway.on('message', (m) => {
      counters.framesOk++;
      counters.lastSeen = this.now();
      this.handle(m, { id: source.id, label, maxMeters: source.maxMeters });
    });
    gateway.on('error', (e) => {
      counters.otherErrors++;
      counters.lastError = e;
    });
    gateway.on('connection', (c) => {
      this.log.info(`${source.id}: ${c.connected ? 'subscribed' : `not connected${c.reason ? `: ${c.reason}` : ''}`}`);
      if (!c.connected) this.send(this.publications.sourceLost(source.id));
      this.emit('change');
    });
    gateway.start();
    return {
      id: source.id,
      type: 'mqtt',
      label,
      snapshot: () => {
        const stats = gateway.stats();
        const raw = Object.values(stats.devices).sort((a, b) => b.lastSeen - a.lastSeen)[0]?.lastPayload;
        return {
          id: source.id,
          type: 'mqtt',
          label,
          state: { state: stats.connected ? 'open' : 'connecting', detail: stats.connectionError },
          counters: { ...counters, lastRaw: raw },
        };
      },
      stop: () => gateway.stop(),
    };
  }
}
