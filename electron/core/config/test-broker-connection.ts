/**
 * "Test connection" on the Broker page: one connection attempt with the settings as entered, and what came of it in
 * the words a user can act on: the name did not resolve, nothing listens, no answer, the certificate (and why), the
 * login, or connected (and with which MQTT version).
 */
import mqtt from 'mqtt';
import type { BrokerTestResult } from '../../../shared/api.ts';
import {
  buildClientOptions,
  describeConnectionError,
  secretsOf,
  type BrokerConnectionOptions,
} from '../mqtt/connection-options.ts';

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME']);

/** Exported for the test of a failed name lookup, which cannot run against a real resolver here. */
export function failureKind(error: unknown, problemKind: string): Exclude<BrokerTestResult, { ok: true }>['kind'] {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && DNS_CODES.has(code)) return 'dns';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ETIMEDOUT' || /timeout/i.test((error as Error).message ?? '')) return 'timeout';
  if (problemKind === 'tls' || problemKind === 'auth') return problemKind;
  return 'other';
}

export async function testBrokerConnection(
  options: Omit<BrokerConnectionOptions, 'will' | 'reconnect'>,
  timeoutMs = 10_000,
): Promise<BrokerTestResult> {
  const secrets = secretsOf(options);
  let client: mqtt.MqttClient | undefined;
  try {
    const { url, clientOptions } = await buildClientOptions(
      { ...options, connectTimeoutMs: timeoutMs },
      // Never the bridge's own client ID: the broker would disconnect the running bridge for it.
      `${options.clientId ?? 'smartmeter-bridge'}-test`,
    );
    client = mqtt.connect(url, clientOptions);
    const connected = client;
    const version = await new Promise<4 | 5>((resolve, reject) => {
      connected.once('connect', () => resolve(clientOptions.protocolVersion === 5 ? 5 : 4));
      connected.once('error', reject);
      // mqtt.js reports a CONNACK that never came as a plain close.
      connected.once('close', () => reject(new Error('no answer from the broker (timeout)')));
    });
    return { ok: true, protocolVersion: version };
  } catch (e) {
    const problem = describeConnectionError(e, secrets);
    return { ok: false, kind: failureKind(e, problem.kind), message: problem.message };
  } finally {
    await client?.endAsync(true).catch(() => undefined);
  }
}
