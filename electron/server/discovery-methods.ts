/**
 * The discovery methods and events of the api (shared/api.ts), on top of the core's DiscoveryService. Params arrive
 * already validated against the contract's request schema; the list is pushed at most every `pushIntervalMs`.
 */
import type { ApiEvent } from '../../shared/api.ts';
import { parseProbeAddress } from '../../shared/discovery/address.ts';
import type { DiscoveryService } from '../core/discovery/discovery-service.ts';
import type { ApiHandlers } from './api-answer.ts';

type DiscoveryMethod =
  'discoveryList' | 'discoveryProbe' | 'discoveryScan' | 'discoveryStopScan' | 'discoveryBrowseMdns' | 'discoveryAdopt';
type DiscoveryEvent = Extract<ApiEvent, { event: 'discovery' | 'discoveryScan' | 'discoveryAdopt' }>;

export interface DiscoveryBackend {
  handlers: Pick<ApiHandlers, DiscoveryMethod>;
  /** Listens to discovery events; returns a function that stops listening. */
  onEvent(listener: (event: DiscoveryEvent) => void): () => void;
}

export interface DiscoveryBackendOptions {
  /** The broker the bridge reads gateways from, where adopt waits for the device's first reading. */
  watch: { url: string; username?: string; password?: string };
  pushIntervalMs?: number;
}

export function createDiscoveryBackend(service: DiscoveryService, options: DiscoveryBackendOptions): DiscoveryBackend {
  const listeners = new Set<(event: DiscoveryEvent) => void>();
  const emit = (event: DiscoveryEvent) => {
    for (const listener of listeners) listener(event);
  };
  let pending: NodeJS.Timeout | undefined;
  service.on('change', () => {
    pending ??= setTimeout(() => {
      pending = undefined;
      if (listeners.size) emit({ event: 'discovery', data: service.view() });
    }, options.pushIntervalMs ?? 250);
    pending.unref();
  });
  service.on('scan', (data) => emit({ event: 'discoveryScan', data }));
  service.on('adopt', (data) => emit({ event: 'discoveryAdopt', data }));

  // MQTT discovery runs from the first request on, not before anyone asked for it
  const started = () => (service.start(), service);
  return {
    handlers: {
      discoveryList: () => started().view(),
      discoveryProbe: async ({ address, ...login }) => {
        const result = await started().probe(address, login);
        return result.ok ? { ok: true, device: result.device } : result;
      },
      discoveryScan: async ({ subnet, ...login }) => {
        const result = await started().scan(subnet, login);
        return result.ok
          ? { ok: true, found: result.devices.length, stopped: result.stopped }
          : { ok: false, error: { message: result.error } };
      },
      discoveryStopScan: () => started().stopScan(),
      discoveryBrowseMdns: async () => {
        const result = await started().browseMdns();
        return result.ok ? { ok: true, found: result.devices.length } : { ok: false, error: { message: result.error } };
      },
      discoveryAdopt: ({ address: text, ...rest }) => {
        const address = parseProbeAddress(text);
        if ('error' in address) {
          return { ok: false, step: 'read-settings', error: { kind: 'invalid', message: address.error } };
        }
        return started().adopt({ ...rest, address, watch: options.watch });
      },
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
