/**
 * The bridge as one long-running service, the same in the desktop app and headless: the output (bridge-output.ts),
 * every configured source (run-source.ts), the publication rules between them, and the history. A source that fails
 * never stops the others; nothing here throws after start() resolved.
 */
import { EventEmitter } from 'node:events';
import type { BridgeView } from '../../../shared/api.ts';
import type { DecodedMessage, DecoderOptions } from '../../../shared/protocols/types.ts';
import type { ResolvedConfig, ResolvedSource } from '../config/load-config.ts';
import type { HistoryStore } from '../history/history-store.ts';
import { loadBridgeId } from '../mqtt/bridge-id.ts';
import type { OutboundMessage } from '../mqtt/outbound-message.ts';
import { ClockCheck } from '../pipeline/clock-check.ts';
import { MeterPublications } from '../pipeline/meter-publications.ts';
import { loadMeterRegistry, MeterRegistryWriter } from '../pipeline/meter-registry.ts';
import type { BackoffOptions } from '../transports/backoff.ts';
import { BridgeOutput } from './bridge-output.ts';
import { gatewayTarget, type GatewayTarget } from './gateway-config.ts';
import type { Logger } from './logger.ts';
import { MeterKeys } from './meter-keys.ts';
import { planReconfigure } from './reconfigure-plan.ts';
import { RefusedMeters } from './refused-meters.ts';
import { runSource, type RunningSource, type SourceContext } from './run-source.ts';
import { ServiceHistory } from './service-history.ts';
import type { RecentFrame } from './wire-source.ts';

export interface BridgeServiceOptions {
  config: ResolvedConfig;
  /** Where the offline queue, the meter registry and the history live (the queue unless the config names a dir). */
  dataDir: string;
  version: string;
  log: Logger;
  now?: () => number;
  /** How often meters are checked for missed intervals; default 1 s. */
  availabilityCheckMs?: number;
  /** Test seam, not a user setting: reconnect backoff of serial/TCP sources and of the broker connection. */
  reconnect?: BackoffOptions;
}

export class BridgeService extends EventEmitter<{ change: [] }> {
  private config: ResolvedConfig;
  private readonly log: Logger;
  private readonly now: () => number;
  private publications: MeterPublications;
  private readonly output: BridgeOutput;
  private sources: RunningSource[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly clocks = new ClockCheck();
  private readonly keys = new MeterKeys();
  private readonly refused: RefusedMeters;
  private readonly historyHook: ServiceHistory;
  private registry: MeterRegistryWriter | undefined;
  /** Set in start(), before any source runs. */
  private bridgeId = '';

  constructor(private readonly options: BridgeServiceOptions) {
    super();
    this.config = options.config;
    this.log = options.log;
    this.now = options.now ?? (() => Date.now() / 1000);
    this.publications = this.newPublications(this.config);
    this.refused = new RefusedMeters(this.log);
    this.historyHook = new ServiceHistory(options.dataDir, this.log);
    this.output = new BridgeOutput({
      dataDir: options.dataDir,
      log: this.log,
      now: this.now,
      publications: () => this.publications,
      onChange: () => this.emit('change'),
      reconnect: options.reconnect,
    });
  }

  /** Starts everything; rejects (having cleaned up) only when the output side cannot start at all. */
  async start(): Promise<void> {
    const known = await loadMeterRegistry(this.options.dataDir);
    if (known.problem) this.log.warn(known.problem);
    this.publications.restore(known.meters);
    for (const meter of known.meters) this.keys.note(meter.meterId, meter.systemTitle);
    this.registry = new MeterRegistryWriter(this.options.dataDir, (message) => this.log.warn(message));
    const bridgeId = await loadBridgeId(this.options.dataDir);
    if (bridgeId.problem) this.log.warn(bridgeId.problem);
    this.bridgeId = bridgeId.id;
    this.historyHook.apply(this.config.history);
    try {
      await this.output.open(this.config);
    } catch (e) {
      await this.stop();
      throw e;
    }
    for (const source of this.config.sources) this.sources.push(this.startSource(source));
    this.timer = setInterval(() => this.tick(), this.options.availabilityCheckMs ?? 1000);
    this.timer.unref();
  }

  /**
   * Applies a changed config without restarting the process, restarting only what changed (reconfigure-plan.ts).
   * Messages that arrive during an output switch are held and sent to the new output; what the old one had not sent
   * stays in the disk queue, which the new one sends first. If the new output cannot start, the previous config is
   * restored and the error thrown.
   */
  async reconfigure(next: ResolvedConfig): Promise<void> {
    const before = this.config;
    const plan = planReconfigure(before, next);
    const stopping = this.sources.filter((running) => plan.stopsSource(running.id));
    await Promise.all(stopping.map((s) => s.stop().catch((e: Error) => this.log.warn(`${s.id}: ${e.message}`))));
    this.sources = this.sources.filter((s) => !stopping.includes(s));
    this.send(stopping.flatMap((s) => this.publications.sourceLost(s.id)));
    if (plan.outputChanged) {
      // Held from before the old output closes: a message given to a closing publisher would be refused.
      this.output.hold();
      await this.output.close(plan.brokerChanged, before.queue.shutdownFlushMs);
    }
    const previous = this.publications;
    this.config = next;
    let cleared: OutboundMessage[] = [];
    if (plan.topicsChanged) {
      // Each meter gets its record again on its next message, under its new topics; the old ones are cleared.
      this.publications = this.newPublications(next);
      cleared = previous.moveTo(this.publications, (id) => next.meters[id]?.alias);
    }
    try {
      if (plan.outputChanged) await this.output.open(next);
      // Only once the new settings run: back on the previous ones, the old topics and the history stay as they were.
      this.send(cleared);
      if (plan.topicsChanged) this.registry?.save(this.publications.knownMeters());
      if (plan.historyChanged) this.historyHook.apply(next.history);
    } catch (e) {
      this.log.error(`the changed settings did not start (${(e as Error).message}): back to the previous ones`);
      this.config = before;
      this.publications = previous;
      await this.output.close(true, before.queue.shutdownFlushMs);
      await this.output.open(before);
      throw e;
    } finally {
      this.output.release();
      for (const source of this.config.sources) {
        if (!this.sources.some((s) => s.id === source.id)) this.sources.push(this.startSource(source));
      }
      this.emit('change');
    }
  }

  /** Graceful shutdown: sources closed, meters and bridge reported offline, queued messages kept on disk. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.sources.map((s) => s.stop().catch((e: Error) => this.log.warn(`${s.id}: ${e.message}`))));
    this.sources = [];
    await this.registry?.flush();
    this.historyHook.close();
    await this.output.close(true, this.config.queue.shutdownFlushMs);
  }

  /** The readings' history; undefined when disabled, not started, or its file could not be opened. */
  history(): HistoryStore | undefined {
    return this.historyHook.current();
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
    const output = this.output.view();
    if (!output) return undefined;
    return {
      version: this.options.version,
      baseTopic: this.config.profile.baseTopic,
      ...output,
      sources: this.sources.map((s) => {
        const view = s.snapshot();
        const refused = this.refused.total(s.id);
        return refused ? { ...view, counters: { ...view.counters, metersRefused: refused } } : view;
      }),
      meters: this.publications.snapshot(),
    };
  }

  /** Where gateways publish (the output broker and every gateway source's own), each once: for MQTT discovery. */
  gatewayBrokers(): GatewayTarget[] {
    const output = this.output.connectedBroker();
    if (!output) return [];
    const embedded = this.output.embeddedUrl();
    const gateways = this.config.sources.flatMap((s) =>
      s.type === 'mqtt' ? [gatewayTarget(output, embedded, s)] : [],
    );
    const all = [gatewayTarget(output, embedded), ...gateways];
    return all.filter((broker, i) => all.findIndex((other) => other.url === broker.url) === i);
  }

  private newPublications(config: ResolvedConfig): MeterPublications {
    return new MeterPublications({ ...config.profile, version: this.options.version });
  }

  private tick(): void {
    const now = this.now();
    this.send([...this.publications.expire(now), ...this.publications.bridgeInfoDue(now)]);
    this.refused.tick();
    const clockWarning = this.clocks.report(now, this.config.timeZone);
    if (clockWarning) this.log.warn(clockWarning);
  }

  private send(messages: OutboundMessage[]): void {
    this.output.send(messages);
  }

  private handle(
    message: DecodedMessage,
    source: { id: string; label: string; maxMeters: number; silentMeterSeconds: number },
  ): void {
    const meterId = message.meterId ?? source.id;
    const configured = this.config.meters[meterId];
    const isNew = !this.publications.has(meterId);
    const receivedAt = this.now();
    if (
      isNew &&
      !configured &&
      !this.publications.roomFor(source.id, source.maxMeters, receivedAt, source.silentMeterSeconds)
    ) {
      this.refused.refuse(source.id, source.maxMeters, meterId);
      return;
    }
    this.send(
      this.publications.forMessage(message, {
        sourceId: source.id,
        sourceLabel: message.info?.device ? `${source.label}/${message.info.device}` : source.label,
        alias: configured?.alias,
        configured: configured !== undefined,
        receivedAt,
      }),
    );
    this.keys.note(meterId, message.info.systemTitle);
    if (isNew) this.registry?.save(this.publications.knownMeters());
    this.historyHook.add(meterId, receivedAt, this.publications.latestReadings(meterId));
    this.clocks.check(meterId, message.timestamp, receivedAt);
    this.emit('change');
  }

  private decoderOptions(source: Extract<ResolvedSource, { type: 'serial' | 'tcp' }>): DecoderOptions {
    return {
      key: source.key?.reveal(),
      authKey: source.authKey?.reveal(),
      // Keys under `meters`, by system title or by meter ID (meter-keys.ts).
      keysFor: this.keys.keysFor(this.config.meters),
      meterKey: this.keys.meterKey(this.config.meters),
      // Absent: the decoder reads a clock without offset in its meter family's zone, else the machine's.
      timeZone: this.config.timeZone,
      family: source.family,
      wmbusStick: source.stick,
    };
  }

  private startSource(source: ResolvedSource): RunningSource {
    const context: SourceContext = {
      config: this.config,
      log: this.log,
      now: this.now,
      publications: () => this.publications,
      handle: (message, from) => this.handle(message, from),
      send: (messages) => this.send(messages),
      whenRoom: () => this.output.whenRoom(),
      whenHandedOff: () => this.output.whenHandedOff(),
      changed: () => this.emit('change'),
      decoderOptions: (s) => this.decoderOptions(s),
      gatewayTarget: (s) => gatewayTarget(this.output.connectedBroker()!, this.output.embeddedUrl(), s),
      bridgeId: this.bridgeId,
      reconnect: this.options.reconnect,
    };
    return runSource(source, context);
  }
}
