/**
 * One configured source running: a serial or TCP meter through its decoder, or a gateway's raw MQTT through its
 * converter. Each passes its messages to the service and reports its state; none throws once started.
 */
import type { SourceView } from '../../../shared/api.ts';
import type { DecodedMessage, DecoderOptions } from '../../../shared/protocols/types.ts';
import type { ResolvedConfig, ResolvedSource } from '../config/load-config.ts';
import { gatewayClientId } from '../mqtt/client-options.ts';
import type { OutboundMessage } from '../mqtt/outbound-message.ts';
import type { MeterPublications } from '../pipeline/meter-publications.ts';
import { MqttSource } from '../sources/mqtt-source.ts';
import type { BackoffOptions } from '../transports/backoff.ts';
import { serialMeterSource } from '../transports/serial-meter-source.ts';
import { SerialSource } from '../transports/serial-source.ts';
import { TcpSource } from '../transports/tcp-source.ts';
import { gatewayConfig, type GatewayTarget } from './gateway-config.ts';
import type { Logger } from './logger.ts';
import { WireSource, type RecentFrame, type SourceCounters } from './wire-source.ts';

export type RunningSource = {
  id: string;
  type: ResolvedSource['type'];
  label: string;
  snapshot(): SourceView;
  /** Serial and TCP sources: the last raw frames, decoded again (diagnostics). */
  frames?(): RecentFrame[];
  stop(): Promise<void>;
};

/** Where a running source sends what it reads, and what it asks of the service. */
export interface SourceContext {
  config: ResolvedConfig;
  log: Logger;
  now: () => number;
  publications: () => MeterPublications;
  handle(
    message: DecodedMessage,
    source: { id: string; label: string; maxMeters: number; silentMeterSeconds: number },
  ): void;
  send(messages: OutboundMessage[]): void;
  /** A promise while the publisher has no room: sources that can wait, wait (see Publisher.whenRoom). */
  whenRoom(): Promise<void> | undefined;
  /** A promise while accepted messages are not yet acknowledged by the broker or on disk (Publisher.whenHandedOff). */
  whenHandedOff(): Promise<void> | undefined;
  changed(): void;
  /** Serial and TCP sources: how they decrypt and read clocks. */
  decoderOptions(source: Extract<ResolvedSource, { type: 'serial' | 'tcp' }>): DecoderOptions;
  /** MQTT sources: the broker the gateway publishes to. */
  gatewayTarget(source: Extract<ResolvedSource, { type: 'mqtt' }>): GatewayTarget;
  /** The data dir's bridge ID: names gateway sources' persistent sessions (gatewayClientId). */
  bridgeId: string;
  reconnect?: BackoffOptions;
}

export function runSource(source: ResolvedSource, ctx: SourceContext): RunningSource {
  return source.type === 'mqtt' ? runGatewaySource(source, ctx) : runWireSource(source, ctx);
}

function runWireSource(source: Extract<ResolvedSource, { type: 'serial' | 'tcp' }>, ctx: SourceContext) {
  const decoderOptions = ctx.decoderOptions(source);
  const backoff = ctx.reconnect;
  const label = source.type === 'serial' ? `serial:${source.port}` : `tcp:${source.host}:${source.port}`;
  const bytes =
    source.type === 'serial'
      ? serialMeterSource(source, { decoderOptions, backoff })
      : new TcpSource({ host: source.host, port: source.port, backoff, room: () => ctx.whenRoom() });
  if (bytes instanceof SerialSource) {
    bytes.on('detected', (d) => ctx.log.info(`${source.id}: found ${d.label} on ${d.path}`));
  }
  const wire = new WireSource(source.id, label, bytes, source.protocol, decoderOptions, ctx.now);
  wire.on('message', (m) =>
    ctx.handle(m, { id: source.id, label, maxMeters: source.maxMeters, silentMeterSeconds: source.silentMeterSeconds }),
  );
  wire.on('decodeError', (e) => {
    ctx.log.debug(`${source.id}: ${e.kind}: ${e.message}`);
    // The UI shows the counters and offers a key to a meter whose frames fail to decrypt (pushes are coalesced).
    ctx.changed();
  });
  wire.on('state', (s) => {
    ctx.log.info(`${source.id}: ${s.state}${s.detail ? ` (${s.detail})` : ''}${s.error ? `: ${s.error.message}` : ''}`);
    if (s.state === 'waiting') ctx.send(ctx.publications().sourceLost(source.id));
    ctx.changed();
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

function runGatewaySource(source: Extract<ResolvedSource, { type: 'mqtt' }>, ctx: SourceContext): RunningSource {
  const { profile, timeZone } = ctx.config;
  const label = `mqtt:${source.gateway}`;
  const gateway = new MqttSource({
    ...ctx.gatewayTarget(source),
    clientId: gatewayClientId(ctx.bridgeId, source.id),
    ...(source.sessionExpirySeconds > 0 && { sessionExpirySeconds: source.sessionExpirySeconds }),
    gateways: [gatewayConfig(source, timeZone)],
    guard: { baseTopic: profile.baseTopic, rlDspGroup: profile.rlDsp.enabled ? profile.rlDsp.group : undefined },
    // A gateway message is acknowledged only once its readings are acknowledged by the broker or on disk: a crash
    // then loses none of them, as the broker sends what was not acknowledged again (persistent session). Stricter
    // than room, so room follows.
    room: () => ctx.whenHandedOff(),
  });
  const counters: SourceCounters = { framesOk: 0, crcErrors: 0, decryptErrors: 0, otherErrors: 0 };
  gateway.on('message', (m) => {
    counters.framesOk++;
    counters.lastSeen = ctx.now();
    ctx.handle(m, { id: source.id, label, maxMeters: source.maxMeters, silentMeterSeconds: source.silentMeterSeconds });
  });
  gateway.on('error', (e) => {
    counters.otherErrors++;
    counters.lastError = e;
  });
  gateway.on('connection', (c) => {
    ctx.log.info(`${source.id}: ${c.connected ? 'subscribed' : `not connected${c.reason ? `: ${c.reason}` : ''}`}`);
    if (!c.connected) ctx.send(ctx.publications().sourceLost(source.id));
    ctx.changed();
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
