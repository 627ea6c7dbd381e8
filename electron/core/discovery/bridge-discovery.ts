/**
 * Discovery for a running bridge: it watches the brokers the bridge's gateways publish to, knows which meters the
 * bridge already reads, and adopts devices onto the bridge's output broker. MQTT discovery starts with the first
 * discovery request, so a bridge whose user never opens the Devices page subscribes nothing extra.
 */
import type { ResolvedConfig } from '../config/load-config.ts';
import { parseBrokerUrl } from '../mqtt/connection-options.ts';
import type { BridgeService } from '../service/bridge-service.ts';
import { DiscoveryService } from './discovery-service.ts';

export interface BridgeDiscovery {
  service: DiscoveryService;
  /** Where adopt waits for a device's first reading: the bridge's output broker, with its login. */
  watch: { url: string; username?: string; password?: string };
}

/** Call after the bridge started (its brokers are known then); undefined when it has none. */
export function bridgeDiscovery(
  bridge: BridgeService,
  config: Pick<ResolvedConfig, 'profile' | 'sources'>,
): BridgeDiscovery | undefined {
  // Credentials written into a URL move into the login: the URL is shown in the list and offered in sources.
  const brokers = bridge.gatewayBrokers().flatMap(({ protocolVersion, url, username, password }) => {
    try {
      const parsed = parseBrokerUrl(url);
      return [
        {
          protocolVersion,
          url: parsed.url,
          username: username ?? parsed.username,
          password: password ?? parsed.password,
        },
      ];
    } catch {
      return []; // a URL the bridge could not use either; its source shows why
    }
  });
  const output = brokers[0];
  if (!output) return undefined;
  const { profile } = config;
  const guard = { baseTopic: profile.baseTopic, rlDspGroup: profile.rlDsp.enabled ? profile.rlDsp.group : undefined };
  // Collectors found on the broker are looked for where the configured one publishes (its `base`).
  const collector = config.sources.find((s) => s.type === 'mqtt' && s.gateway === 'datacollector' && s.base);
  const rawPrefix = collector?.type === 'mqtt' ? collector.base : undefined;
  const service = new DiscoveryService({
    brokers: brokers.map((broker) => ({ ...broker, guard, rawPrefix })),
    outputBroker: output.url,
    receivedIds: () => new Set(bridge.snapshot()?.meters.map((meter) => meter.meterId)),
  });
  const { protocolVersion: _version, ...watch } = output;
  return { service, watch };
}
