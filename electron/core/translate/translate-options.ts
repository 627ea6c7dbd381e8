/** What a translate instance is configured with and what it reports (translate-service.ts). */
import type { GatewayConfig } from '../../../shared/sources/index.ts';
import type { Logger } from '../service/logger.ts';

export interface TranslateOptions {
  url: string;
  username?: string;
  password?: string;
  /** Names this instance in its client id and under `<base>/bridge/<instanceId>/`; stable across restarts. */
  instanceId: string;
  /** The shared subscription group every instance of one deployment uses. */
  group: string;
  baseTopic: string;
  gateways: readonly GatewayConfig[];
  /** How long the broker keeps this instance's session (and its share of messages) while it is away, seconds. */
  sessionExpirySeconds: number;
  /** A meter no instance has published for in this long goes `offline`, seconds. */
  offlineAfterSeconds: number;
  /** How often the instance's counters are published, seconds. */
  statsIntervalSeconds: number;
  /** A reading that may have waited at the broker longer than this goes to `late`; below the meters' interval, ms. */
  maxDelayMs: number;
  /** Home Assistant discovery under this prefix (ha-announcer.ts); none when absent. */
  homeAssistantPrefix?: string;
  /** RL-DSP bundles on `dt/<group>/<meter>/ds` beside the profile; none when absent. */
  rlDsp?: { group: string; scale: 'base' | 'kilo' };
  version: string;
  log: Logger;
  reconnectPeriodMs?: number;
}

export interface TranslateCounters {
  /** Gateway messages received on the shared subscriptions. */
  received: number;
  /** Readings translated and published. */
  translated: number;
  /** Readings older than the newest already published for their meter: sent to `<base>/<id>/late` only. */
  late: number;
  /** Readings that may have waited at the broker longer than maxDelayMs: sent to `<base>/<id>/late` only. */
  delayed: number;
  /** Gateway messages that could not be read (a typed error each). */
  errors: number;
  /** Messages no configured gateway claims, and the bridge's own output. */
  ignored: number;
  /** Outgoing messages the broker refused or that failed to send. */
  publishFailures: number;
}

export interface TranslateStatus {
  connected: boolean;
  subscribed: boolean;
  counters: TranslateCounters;
  meters: number;
}
