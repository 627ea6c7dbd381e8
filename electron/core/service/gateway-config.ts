/** A configured MQTT gateway source as the converters take it. */
import type { GatewayConfig } from '../../../shared/sources/index.ts';
import type { ResolvedSource } from '../config/load-config.ts';

type MqttSourceConfig = Extract<ResolvedSource, { type: 'mqtt' }>;

export function gatewayConfig(source: MqttSourceConfig, timeZone: string | undefined): GatewayConfig {
  const only = source.topic ? [source.topic] : undefined;
  switch (source.gateway) {
    case 'tasmota':
      return { kind: 'tasmota', devices: only, powerUnit: source.powerUnit, timeZone };
    case 'datacollector':
      return { kind: 'datacollector', meters: only, maxMeters: source.maxMeters };
    case 'rl-dsp':
      return { kind: 'rl-dsp', groups: only };
  }
}
