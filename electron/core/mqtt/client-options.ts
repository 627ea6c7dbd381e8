/**
 * The mqtt.js options every subscribing client of the bridge shares (gateway sources, translate, the Home Assistant
 * and discovery watches), so each gets the quiet logger, one ping per keep-alive period, reconnects after a refused
 * CONNACK, and, where asked, a persistent session: the broker keeps the subscriptions and what arrives for them while
 * the client is away, and hands it over when the same client ID comes back.
 */
import { createHash } from 'node:crypto';
import type { IClientOptions } from 'mqtt';
import { mqttLog } from './quiet-log.ts';

export interface SubscriberOptions {
  clientId: string;
  protocolVersion: 4 | 5;
  username?: string;
  password?: string;
  /** Delay between reconnect attempts, ms. */
  reconnectPeriodMs: number;
  connectTimeoutMs?: number;
  /** Seconds between pings when nothing else proves the connection alive; mqtt.js's 60 by default. */
  keepaliveSeconds?: number;
  /**
   * Absent: a clean session. Set: clean start off; on MQTT 5 the broker keeps the session this many seconds after a
   * disconnect (3.1.1 has no expiry of its own: the broker's setting decides, e.g. Mosquitto's
   * persistent_client_expiration).
   */
  sessionExpirySeconds?: number;
  /** Further MQTT 5 CONNECT properties (maximumPacketSize, receiveMaximum). */
  properties?: NonNullable<IClientOptions['properties']>;
}

export function subscriberClientOptions(options: SubscriberOptions): IClientOptions {
  const { protocolVersion, sessionExpirySeconds } = options;
  const persistent = sessionExpirySeconds !== undefined;
  const properties = {
    ...options.properties,
    ...(persistent && { sessionExpiryInterval: sessionExpirySeconds }),
  };
  return {
    protocolVersion,
    clientId: options.clientId,
    username: options.username,
    password: options.password,
    clean: !persistent,
    reconnectPeriod: options.reconnectPeriodMs,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    ...(options.keepaliveSeconds !== undefined && { keepalive: options.keepaliveSeconds }),
    // A refused CONNACK (broker starting up, credentials being fixed) is retried like a lost connection.
    reconnectOnConnackError: true,
    // Each user subscribes on every connect itself (a broker that lost the session serves it again), so the client's
    // own resubscription would double the subscriptions.
    resubscribe: false,
    // A ping every keep-alive period rather than a timer reset per acknowledgement sent (thousands per second).
    reschedulePings: false,
    ...(mqttLog && { log: mqttLog }),
    ...(protocolVersion === 5 && Object.keys(properties).length > 0 && { properties }),
  };
}

/** Characters every broker takes in a client ID (MQTT 3.1.1 guarantees only [0-9a-zA-Z]; "-" and "_" are common). */
const UNSAFE = /[^A-Za-z0-9_-]/gu;
const MAX_NAME_CHARS = 40;

/**
 * The client ID of a gateway source's persistent session: the same after every restart of one bridge (its data dir's
 * bridge ID and the source's ID), different between two bridges on one broker, so neither takes over the other's
 * session (a broker disconnects the older holder of an ID). A source ID that had to be shortened or changed to be
 * safe gets a hash of itself, so two sources never share one.
 */
export function gatewayClientId(bridgeId: string, sourceId: string): string {
  const safe = sourceId.replace(UNSAFE, '_').slice(0, MAX_NAME_CHARS);
  const suffix = safe === sourceId ? '' : `-${createHash('sha256').update(sourceId).digest('hex').slice(0, 8)}`;
  return `smartmeter-bridge-${bridgeId}-${safe}${suffix}`;
}
