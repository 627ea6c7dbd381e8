/**
 * Turns the user's broker settings into mqtt.js options, and mqtt.js errors into messages a user can act on.
 * Nothing here ever puts a password into a message: URL credentials are moved into options, and every message
 * passes through `redact`.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IClientOptions } from 'mqtt';
import type { Secret } from '../config/secret.ts';
import type { BackoffOptions } from '../transports/backoff.ts';
import type { OutboundMessage } from './outbound-message.ts';
import { mqttLog } from './quiet-log.ts';

export interface BrokerConnectionOptions {
  /** mqtt://, mqtts://, ws:// or wss://; credentials in the URL are accepted and moved out of it. */
  url: string;
  username?: string;
  password?: string | Secret;
  /** Default: `smartmeter-bridge-` and 8 random hex digits. */
  clientId?: string;
  /** 4 = MQTT 3.1.1 (default), 5 = MQTT 5. */
  protocolVersion?: 4 | 5;
  /** Paths of PEM files: the CA that signed the broker's certificate, and a client certificate and key. */
  ca?: string;
  cert?: string;
  key?: string;
  /** TLS certificates are verified unless this is explicitly false. */
  rejectUnauthorized?: boolean;
  /** Published by the broker when the bridge vanishes, e.g. `smartmeter/bridge/status` = `offline`, retained. */
  will?: OutboundMessage;
  /** Default 30 s. */
  keepaliveSeconds?: number;
  /** How long to wait for the broker's CONNACK; default 10 s. */
  connectTimeoutMs?: number;
  /** Delays between connection attempts; default 1 s doubling up to 30 s, ±20 % jitter. */
  reconnect?: BackoffOptions;
}

export type ConnectionProblemKind = 'config' | 'network' | 'tls' | 'auth' | 'protocol';

/** Why the broker is not reachable, in words for the UI and logs. */
export interface ConnectionProblem {
  kind: ConnectionProblemKind;
  message: string;
}

export class ConnectionSetupError extends Error {
  constructor(readonly problem: ConnectionProblem) {
    super(problem.message);
  }
}

const PROTOCOLS = new Set(['mqtt:', 'mqtts:', 'ws:', 'wss:']);

const reveal = (password: string | Secret | undefined): string | undefined =>
  typeof password === 'string' || password === undefined ? password : password.reveal();

export interface ParsedBrokerUrl {
  /** The URL without credentials: safe to show and log. */
  url: string;
  username?: string;
  password?: string;
}

export function parseBrokerUrl(raw: string): ParsedBrokerUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConnectionSetupError({
      kind: 'config',
      message: 'the broker URL is not a valid URL (expected e.g. mqtt://host:1883)',
    });
  }
  if (!PROTOCOLS.has(url.protocol)) {
    throw new ConnectionSetupError({
      kind: 'config',
      message: `the broker URL scheme "${url.protocol}" is not supported (mqtt://, mqtts://, ws:// or wss://)`,
    });
  }
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  url.username = '';
  url.password = '';
  const isWebSocket = url.protocol.startsWith('ws');
  return { url: isWebSocket ? url.href : `${url.protocol}//${url.host}`, username, password };
}

/** Every secret the options hold, to be masked in any text that leaves this module. */
export function secretsOf(options: BrokerConnectionOptions): string[] {
  const { password } = parseBrokerUrlQuietly(options.url);
  return [reveal(options.password), password].filter((s): s is string => typeof s === 'string' && s.length > 0);
}

function parseBrokerUrlQuietly(raw: string): Partial<ParsedBrokerUrl> {
  try {
    return parseBrokerUrl(raw);
  } catch {
    return {};
  }
}

export function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join('***'), text);
}

async function readPem(path: string | undefined, what: string): Promise<Buffer | undefined> {
  if (path === undefined) return undefined;
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConnectionSetupError({ kind: 'config', message: `cannot read the ${what} file ${path} (${code})` });
  }
}

export const defaultClientId = (): string => `smartmeter-bridge-${randomBytes(4).toString('hex')}`;

/** The URL to connect to and the mqtt.js options; certificate files are read now, so a replaced file is picked up. */
export async function buildClientOptions(
  options: BrokerConnectionOptions,
  clientId: string,
): Promise<{ url: string; clientOptions: IClientOptions }> {
  const parsed = parseBrokerUrl(options.url);
  const [ca, cert, key] = await Promise.all([
    readPem(options.ca, 'CA certificate'),
    readPem(options.cert, 'client certificate'),
    readPem(options.key, 'client key'),
  ]);
  const username = options.username ?? parsed.username;
  const password = reveal(options.password) ?? parsed.password;
  const will = options.will;
  const clientOptions: IClientOptions = {
    clientId,
    protocolVersion: options.protocolVersion ?? 4,
    clean: true,
    keepalive: options.keepaliveSeconds ?? 30,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    // Reconnecting is ours (with backoff, and without mqtt.js re-sending its own copies of unacknowledged messages).
    reconnectPeriod: 0,
    // A ping every keep-alive period rather than a timer reset per packet sent (thousands per second).
    reschedulePings: false,
    // No table of 65,536 pre-made two-byte buffers (6 MB of heap, made on the first packet for the whole process):
    // the few numbers of a packet are cheap to write as they come.
    writeCache: false,
    ...(mqttLog && { log: mqttLog }),
    rejectUnauthorized: options.rejectUnauthorized !== false,
    ...(username !== undefined && { username }),
    ...(password !== undefined && { password }),
    ...(ca && { ca }),
    ...(cert && { cert }),
    ...(key && { key }),
    ...(will && {
      will: {
        topic: will.topic,
        payload: typeof will.payload === 'string' ? Buffer.from(will.payload, 'utf8') : Buffer.from(will.payload),
        qos: will.qos,
        retain: will.retain,
      },
    }),
  };
  return { url: parsed.url, clientOptions };
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

const NETWORK_HINTS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the broker running, and is the port right?)',
  ENOTFOUND: 'host not found (check the broker address)',
  EAI_AGAIN: 'host name lookup failed (DNS unavailable?)',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset by the broker',
  EPIPE: 'connection closed by the broker',
};

/** MQTT 3.1.1 CONNACK return codes 4/5 and MQTT 5 reason codes 0x86, 0x87, 0x8C mean: wrong or missing credentials. */
const AUTH_CODES = new Set([4, 5, 0x86, 0x87, 0x8c]);

/** Classifies an error from mqtt.js, net, tls or ws; the message never contains a secret. */
export function describeConnectionError(error: unknown, secrets: readonly string[]): ConnectionProblem {
  if (error instanceof ConnectionSetupError)
    return { ...error.problem, message: redact(error.problem.message, secrets) };
  const err: Error & { code?: unknown } = error instanceof Error ? error : new Error(String(error));
  const code = err.code;
  const text = redact(err.message, secrets);
  if (typeof code === 'string' && (TLS_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS'))) {
    // OpenSSL's own text ("...:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:...") → its reason.
    const reason = /SSL routines:[^:]*:([^:]+)/.exec(text)?.[1] ?? text;
    const hint = /alert (certificate required|bad certificate|unknown ca|certificate unknown)/.test(reason)
      ? 'the broker did not accept a client certificate: set "cert" and "key" to one it trusts'
      : `give the CA certificate that signed the broker's certificate as "ca"; disable verification only if you must`;
    return { kind: 'tls', message: `TLS: ${reason} (${hint})` };
  }
  if (typeof code === 'string' && code in NETWORK_HINTS)
    return { kind: 'network', message: `${NETWORK_HINTS[code]} (${text})` };
  if (typeof code === 'number' && AUTH_CODES.has(code)) {
    return { kind: 'auth', message: `the broker refused the login: ${text} (check username and password)` };
  }
  if (typeof code === 'number') return { kind: 'protocol', message: `the broker refused the connection: ${text}` };
  return { kind: 'network', message: text };
}
