/**
 * The discovery methods and events of the api (shared/api.ts), on top of the core's DiscoveryService. Requests arrive
 * already validated against `discoveryRequestSchema`; the list is pushed at most every `pushIntervalMs`.
 */
import type { DiscoveryEvent, DiscoveryMethod, DiscoveryMethods, DiscoveryRequest } from '../../shared/api.ts';
import { parseProbeAddress } from '../../shared/discovery/address.ts';
import type { DiscoveryService } from '../core/discovery/discovery-service.ts';

export interface DiscoveryBackend {
  handle(request: DiscoveryRequest): Promise<DiscoveryMethods[DiscoveryMethod]>;
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

  return {
    async handle(request) {
      service.start(); // MQTT discovery runs from the first request on, not before anyone asked for it
      switch (request.method) {
        case 'discoveryList':
          return service.view();
        case 'discoveryProbe': {
          const { address, ...login } = request.params;
          const result = await service.probe(address, login);
          return result.ok ? { ok: true, device: result.device } : result;
        }
        case 'discoveryScan': {
          const { subnet, ...login } = request.params;
          const result = await service.scan(subnet, login);
          return result.ok
            ? { ok: true, found: result.devices.length, stopped: result.stopped }
            : { ok: false, error: { message: result.error } };
        }
        case 'discoveryStopScan':
          return service.stopScan();
        case 'discoveryBrowseMdns': {
          const result = await service.browseMdns();
          return result.ok
            ? { ok: true, found: result.devices.length }
            : { ok: false, error: { message: result.error } };
        }
        case 'discoveryAdopt': {
          const { address: text, ...rest } = request.params;
          const address = parseProbeAddress(text);
          if ('error' in address) {
            return { ok: false, step: 'read-settings', error: { kind: 'invalid', message: address.error } };
          }
          return service.adopt({ ...rest, address, watch: options.watch });
        }
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
