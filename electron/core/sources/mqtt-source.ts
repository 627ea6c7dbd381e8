/**
 * Raw-MQTT gateway source: subscribes the configured gateways' topics on a broker and turns their messages into
 * OBIS-keyed messages with shared/sources. mqtt.js reconnects; every (re)connect subscribes again, so a broker that
 * lost its sessions (a restart without persistence) is served again. Hostile payloads end as counted errors.
 * With a session expiry the session is persistent: what arrives while the source is stopped waits at the broker.
 * A message is acknowledged only after it was passed on, so what the broker had not yet handed over, and what it
 * handed over unacknowledged, is delivered again after a restart (QoS 1: at most twice).
 *
 * Events: `message` (ObisMessage, device), `error` (DecodeError, device; only emitted while someone listens, so an
 * unheard error never throws), `connection` ({ connected, reason? }) whenever the state or the broker's reason changes.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import { decodeError, type DecodeError, type ObisMessage } from '../../../shared/protocols/types.ts';
import {
  createGatewayReader,
  hasOwnOrigin,
  type GatewayConfig,
  type GatewayOutput,
  type GatewayReader,
  type LoopGuardOptions,
} from '../../../shared/sources/index.ts';
import { subscriberClientOptions } from '../mqtt/client-options.ts';
import { PingAwareHolds } from './ping-aware-holds.ts';

export interface MqttSourceOptions {
  /** mqtt://, mqtts://, ws:// or wss:// broker URL. */
  url: string;
  username?: string;
  password?: string;
  /** A random `smartmeter-bridge-source-…` by default; give a stable one (gatewayClientId) with a session expiry. */
  clientId?: string;
  /**
   * Set: a persistent session under `clientId` (clean start off, kept this many seconds after a disconnect on MQTT 5),
   * so what the gateways publish while this source is stopped or its process dead waits at the broker for the next
   * start. Absent: a clean session, and the broker discards what this source had not read.
   */
  sessionExpirySeconds?: number;
  /** 5 (default) lets the loop guard see the bridge's origin property; 4 for MQTT 3.1.1 brokers. */
  protocolVersion?: 4 | 5;
  /** Delay between reconnect attempts; 5000 ms by default (tests use less). */
  reconnectPeriodMs?: number;
  connectTimeoutMs?: number;
  /** Seconds between pings while the broker sends nothing; 60 by default (tests use less). */
  keepaliveSeconds?: number;
  gateways: readonly GatewayConfig[];
  /** What the bridge publishes itself, so it is never read back in. */
  guard: LoopGuardOptions;
  /**
   * Asked after each message has been passed on: undefined when it may be acknowledged now, else a promise to wait
   * for before it is acknowledged (QoS 1) and the next one read, so a burst waits at the broker instead of in this
   * process. The service answers once the message's readings are acknowledged by the broker or on disk
   * (Publisher.whenHandedOff).
   */
  room?: () => Promise<void> | undefined;
}

export interface DeviceStats {
  messagesOk: number;
  errors: number;
  /** Unix milliseconds of the device's last message. */
  lastSeen: number;
  lastTopic: string;
  /** The last payload as text (at most MAX_RAW_CHARS characters), for the UI. */
  lastPayload: string;
  lastError?: string;
}

/** What is kept per message: the payload is turned into text only when someone asks for the statistics. */
type DeviceRecord = Omit<DeviceStats, 'lastPayload'> & { payload: Buffer };

export interface MqttSourceStats {
  /** Connected and subscribed. */
  connected: boolean;
  /** Why the broker connection is down or was refused, from the client (never contains credentials). */
  connectionError?: string;
  /** OBIS messages emitted (a datacollector reading joined from many MQTT messages counts once). */
  messagesOk: number;
  errors: number;
  /** Messages on subscribed topics that no gateway claims, and the bridge's own output. */
  ignored: number;
  /** Exceptions thrown by `message`/`error` listeners, caught so one bad listener cannot stop the source. */
  listenerErrors: number;
  devices: Record<string, DeviceStats>;
}

export interface MqttSourceEvents {
  message: [message: ObisMessage, device: string];
  error: [error: DecodeError, device: string];
  connection: [state: { connected: boolean; reason?: string }];
}

export const MAX_RAW_CHARS = 4096;
/** Per-device statistics are kept for this many devices; the longest silent is forgotten first. */
const MAX_DEVICES = 256;
/** MQTT 5: the broker must not send us packets larger than this (gateway messages are far smaller). */
const MAX_PACKET_BYTES = 256 * 1024;
/**
 * A message is held at most this long: a dropped connection would cost a clean session its queue at the broker.
 * Past it the message is acknowledged anyway, so a crash in the next moment could lose its readings if they were not
 * yet acknowledged (only on an output stalled that long).
 */
const MAX_HOLD_MS = 10_000;
const DEFAULT_KEEPALIVE_SECONDS = 60;

export class MqttSource extends EventEmitter<MqttSourceEvents> {
  private readonly reader: GatewayReader;
  private client: MqttClient | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  /** When the armed flush timer fires (ms), so a message that changes nothing does not re-arm it. */
  private flushAt = Infinity;
  private readonly counters = { messagesOk: 0, errors: 0, ignored: 0, listenerErrors: 0 };
  /** In order of last message: the first entry is the longest silent device. */
  private readonly devices = new Map<string, DeviceRecord>();
  private connection: { connected: boolean; reason?: string } = { connected: false };

  /** Throws a TypeError for a configuration that cannot work (an unknown time zone). */
  constructor(private readonly options: MqttSourceOptions) {
    super();
    this.reader = createGatewayReader(options.gateways, options.guard);
  }

  /** Topic filters this source subscribes. */
  get filters(): readonly string[] {
    return this.reader.filters;
  }

  /** Connects in the background; progress and failures arrive as `connection` events. */
  start(): void {
    if (this.client) return;
    const version = this.options.protocolVersion ?? 5;
    const keepaliveSeconds = this.options.keepaliveSeconds ?? DEFAULT_KEEPALIVE_SECONDS;
    const clientOptions = subscriberClientOptions({
      protocolVersion: version,
      clientId: this.options.clientId ?? `smartmeter-bridge-source-${randomUUID().slice(0, 8)}`,
      username: this.options.username,
      password: this.options.password,
      reconnectPeriodMs: this.options.reconnectPeriodMs ?? 5000,
      connectTimeoutMs: this.options.connectTimeoutMs,
      keepaliveSeconds,
      sessionExpirySeconds: this.options.sessionExpirySeconds,
      properties: { maximumPacketSize: MAX_PACKET_BYTES },
    });
    let client: MqttClient;
    try {
      client = mqtt.connect(this.options.url, clientOptions);
    } catch (e) {
      this.setConnection(false, `cannot connect to ${this.options.url}: ${(e as Error).message}`);
      return;
    }
    this.client = client;
    const room = this.options.room;
    // mqtt.js gives up on a ping unanswered half a keep-alive later; holds may keep its answer unread half of that.
    const holds = new PingAwareHolds(MAX_HOLD_MS, (keepaliveSeconds * 1000) / 4);
    // mqtt.js acknowledges a QoS 1 message once `done` is called. A stopped source acknowledges nothing more: what it
    // could no longer pass on stays unacknowledged, and a persistent session has the broker send it again.
    const acknowledge = (done: () => void) => () => void (this.client === client && done());
    client.handleMessage = (_packet, done) => holds.hold(room?.(), acknowledge(done));
    client.on('packetsend', (packet) => packet.cmd === 'pingreq' && holds.pingSent());
    client.on('packetreceive', (packet) => packet.cmd === 'pingresp' && holds.pingAnswered());
    client.on('connect', () => this.subscribe(client));
    client.on('message', (topic, payload, packet) => this.handle(topic, payload, packet));
    client.on('error', (error) => this.setConnection(this.connection.connected && client.connected, error.message));
    client.on('close', () => holds.pingAnswered());
    client.on('close', () => this.setConnection(false, this.connection.reason ?? 'the broker closed the connection'));
  }

  /** Emits what is still being joined, disconnects, and stops every timer. Safe to call more than once. */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    // Nothing read after this point, and no `connection` noise from our own disconnect.
    client?.removeAllListeners('message').removeAllListeners('connect').removeAllListeners('close');
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flushAt = Infinity;
    this.emitOutputs(this.reader.flushAll());
    if (!client) return;
    try {
      await client.endAsync();
    } catch {
      // Ending a client whose socket already failed can reject; it is closed either way.
    }
    client.removeAllListeners();
    client.on('error', () => {}); // a late socket error on the closed client must not become an uncaught exception
    this.setConnection(false, undefined);
  }

  stats(): MqttSourceStats {
    return {
      connected: this.connection.connected,
      ...(this.connection.reason !== undefined ? { connectionError: this.connection.reason } : {}),
      ...this.counters,
      devices: Object.fromEntries(
        [...this.devices].map(([device, { payload, ...stats }]) => [
          device,
          { ...stats, lastPayload: asText(payload) },
        ]),
      ),
    };
  }

  /** `connected` turns true once the broker has answered the subscription: from then on nothing is missed. */
  private subscribe(client: MqttClient): void {
    if (this.reader.filters.length === 0) return this.setConnection(true, undefined);
    client.subscribe([...this.reader.filters], { qos: 1 }, (error, granted) => {
      const refused = granted?.filter((grant) => grant.qos === 128).map((grant) => grant.topic) ?? [];
      let reason: string | undefined;
      if (error) reason = `subscribing failed: ${error.message}`;
      else if (refused.length) reason = `the broker refused the subscription to ${refused.join(', ')}`;
      this.setConnection(client.connected, reason);
    });
  }

  private handle(topic: string, payload: Buffer, packet: IPublishPacket): void {
    let result: ReturnType<GatewayReader['read']>;
    try {
      result = hasOwnOrigin(packet.properties?.userProperties) ? null : this.reader.read(topic, payload, Date.now());
    } catch (e) {
      // The converters never throw by contract (property-tested); should one still, the message is an error, not a crash.
      const error = decodeError('unsupported', `reading ${topic} failed: ${(e as Error).message}`);
      result = { device: `unknown/${topic}`, outputs: [{ ok: false, error, device: `unknown/${topic}` }] };
    }
    if (result === null) {
      this.counters.ignored++;
      return;
    }
    this.touch(result.device, topic, payload);
    this.emitOutputs(result.outputs);
    this.scheduleFlush();
  }

  private touch(device: string, topic: string, payload: Buffer): void {
    let stats = this.devices.get(device);
    if (stats) this.devices.delete(device);
    else {
      if (this.devices.size >= MAX_DEVICES) this.devices.delete(this.devices.keys().next().value!);
      stats = { messagesOk: 0, errors: 0, lastSeen: 0, lastTopic: '', payload };
    }
    this.devices.set(device, stats);
    stats.lastSeen = Date.now();
    stats.lastTopic = topic;
    stats.payload = payload;
  }

  private emitOutputs(outputs: readonly GatewayOutput[]): void {
    for (const output of outputs) {
      const stats = this.devices.get(output.device);
      if (output.ok) {
        this.counters.messagesOk++;
        if (stats) stats.messagesOk++;
        this.safeEmit(() => this.emit('message', output.message, output.device));
      } else {
        this.counters.errors++;
        if (stats) {
          stats.errors++;
          stats.lastError = output.error.message;
        }
        if (this.listenerCount('error') > 0) this.safeEmit(() => this.emit('error', output.error, output.device));
      }
    }
  }

  private safeEmit(emit: () => void): void {
    try {
      emit();
    } catch {
      this.counters.listenerErrors++;
    }
  }

  private scheduleFlush(): void {
    // A timer armed earlier than needed only finds nothing quiet yet and re-arms: no timer churn per message.
    const next = this.reader.nextFlushAt();
    if (next === undefined || next >= this.flushAt || !this.client) return;
    clearTimeout(this.flushTimer);
    this.flushAt = next;
    this.flushTimer = setTimeout(
      () => {
        this.flushTimer = undefined;
        this.flushAt = Infinity;
        this.emitOutputs(this.reader.flush(Date.now()));
        this.scheduleFlush();
      },
      Math.max(0, next - Date.now()),
    );
    this.flushTimer.unref();
  }

  private setConnection(connected: boolean, reason: string | undefined): void {
    if (connected === this.connection.connected && reason === this.connection.reason) return;
    this.connection = { connected, ...(reason !== undefined ? { reason } : {}) };
    this.safeEmit(() => this.emit('connection', { ...this.connection }));
  }
}

function asText(payload: Buffer): string {
  return payload
    .subarray(0, MAX_RAW_CHARS * 4)
    .toString('utf8')
    .slice(0, MAX_RAW_CHARS);
}
