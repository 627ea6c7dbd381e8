/** A configured MQTT gateway source as the converters take it. */
import type { GatewayConfig } from '../../../shared/sources/index.ts';
import type { ResolvedSource } from '../config/load-config.ts';
import { reachesBroker } from '../config/same-broker.ts';
import type { BrokerConnectionOptions } from '../mqtt/connection-options.ts';

type MqttSourceConfig = Extract<ResolvedSource, { type: 'mqtt' }>;

/**
 * The MQTT version a gateway source speaks: as configured; else 3.1.1 towards the embedded broker (aedes has no MQTT 5),
 * however its URL names it, and 5 elsewhere, where the bridge's origin mark lets the loop guard see its own messages.
 */
export function gatewayProtocolVersion(
  configured: 4 | 5 | undefined,
  url: string,
  embeddedUrl: string | undefined,
): 4 | 5 {
  return configured ?? (embeddedUrl !== undefined && reachesBroker(url, embeddedUrl) ? 4 : 5);
}

/** The broker a gateway source reads, with its login and MQTT version. */
export interface GatewayTarget {
  url: string;
  username?: string;
  password?: string;
  protocolVersion: 4 | 5;
}

/** A gateway source's broker; without a URL of its own (or no source): the output broker, with the same login. */
export function gatewayTarget(
  output: BrokerConnectionOptions,
  embeddedUrl: string | undefined,
  source?: MqttSourceConfig,
): GatewayTarget {
  const outputPassword = typeof output.password === 'string' ? output.password : output.password?.reveal();
  const target = source?.url
    ? { url: source.url, username: source.username, password: source.password?.reveal() }
    : { url: output.url, username: output.username, password: outputPassword };
  return { ...target, protocolVersion: gatewayProtocolVersion(source?.protocolVersion, target.url, embeddedUrl) };
}

export function gatewayConfig(source: MqttSourceConfig, timeZone: string | undefined): GatewayConfig {
  const only = source.topic ? [source.topic] : undefined;
  switch (source.gateway) {
    case 'tasmota':
      return { kind: 'tasmota', devices: only, powerUnit: source.powerUnit, timeZone };
    case 'datacollector':
      return { kind: 'datacollector', meters: only, maxMeters: source.maxMeters, base: source.base };
    case 'rl-dsp':
      return { kind: 'rl-dsp', groups: only, scale: source.scale };
  }
}
