/**
 * Discovery as the api offers it: one found list fed by MQTT (always on while started), HTTP probes and scans and an
 * mDNS browse (each only on request), and adopt. Events: `change` (the list or a broker's state changed), `scan`
 * (progress of the running subnet scan), `adopt` (each adopt step).
 */
import { EventEmitter } from 'node:events';
import { parseProbeAddress } from '../../../shared/discovery/address.ts';
import { createFoundList, type FoundList, type FoundListOptions } from '../../../shared/discovery/found-list.ts';
import type { AdoptProgress, AdoptResult, DiscoveryView, ScanProgress } from '../../../shared/discovery/types.ts';
import { adoptTasmota, type AdoptRequest } from './adopt.ts';
import { BrokerWatch, type BrokerWatchOptions } from './broker-watch.ts';
import { probeTasmota, scanSubnet, type ProbeResult, type ScanResult } from './http-probe.ts';
import { browseMdns, type MdnsResult } from './mdns-browse.ts';
import { hostLabel, type TasmotaCredentials } from './tasmota-http.ts';

export interface DiscoveryServiceOptions extends FoundListOptions {
  /** Brokers to watch (the bridge's output broker and every gateway source's broker). */
  brokers: Omit<BrokerWatchOptions, 'list' | 'onChange'>[];
  /** The bridge's output broker URL: a found meter there needs no `url` in its source. */
  outputBroker?: string;
  /** Meter IDs the bridge receives now (from its meter list), for the `received` flags. */
  receivedIds(): ReadonlySet<string>;
}

export interface DiscoveryEvents {
  change: [];
  scan: [progress: ScanProgress & { running: boolean }];
  adopt: [progress: AdoptProgress];
}

export class DiscoveryService extends EventEmitter<DiscoveryEvents> {
  private readonly list: FoundList;
  private readonly watches: BrokerWatch[];
  private scanning: AbortController | undefined;

  constructor(private readonly options: DiscoveryServiceOptions) {
    super();
    this.list = createFoundList(options);
    const onChange = () => this.emit('change');
    this.watches = options.brokers.map((broker) => new BrokerWatch({ ...broker, list: this.list, onChange }));
  }

  start(): void {
    for (const watch of this.watches) watch.start();
  }

  async stop(): Promise<void> {
    this.scanning?.abort();
    await Promise.all(this.watches.map((watch) => watch.stop()));
  }

  view(): DiscoveryView {
    const counters = { messages: 0, own: 0, invalid: 0, overflow: this.list.overflow };
    for (const watch of this.watches) {
      counters.messages += watch.counters.messages;
      counters.own += watch.counters.own;
      counters.invalid += watch.counters.invalid;
    }
    return {
      ...this.list.view(this.options.receivedIds(), this.options.outputBroker),
      counters,
      brokers: this.watches.map((watch) => watch.status),
    };
  }

  /** Status 0 of one address the user typed; a device found is added to the list. */
  async probe(addressText: string, credentials: TasmotaCredentials = {}): Promise<ProbeResult> {
    const address = parseProbeAddress(addressText);
    if ('error' in address) return { ok: false, error: { kind: 'invalid', message: address.error } };
    const result = await probeTasmota(address, credentials);
    if (result.ok) this.found(result.device);
    return result;
  }

  /** Scans a subnet the user named (at most a /24); one scan at a time, `stopScan` ends it early. */
  async scan(cidr: string, credentials: TasmotaCredentials = {}): Promise<ScanResult> {
    if (this.scanning) return { ok: false, error: 'a scan is already running' };
    const controller = new AbortController();
    this.scanning = controller;
    let last: ScanProgress = { done: 0, total: 0, found: 0 };
    try {
      const result = await scanSubnet(cidr, {
        ...credentials,
        signal: controller.signal,
        onFound: (_address, device) => this.found(device),
        onProgress: (progress) => this.emit('scan', { ...(last = progress), running: true }),
      });
      if (result.ok) this.emit('scan', { ...last, running: false });
      return result;
    } finally {
      this.scanning = undefined;
    }
  }

  stopScan(): boolean {
    this.scanning?.abort();
    return this.scanning !== undefined;
  }

  async browseMdns(): Promise<MdnsResult> {
    const result = await browseMdns();
    if (result.ok) for (const device of result.devices) this.list.addDevice(device, 'mdns', Date.now());
    if (result.ok && result.devices.length) this.emit('change');
    return result;
  }

  /** Changes the device: only ever called on the user's explicit confirmation. */
  async adopt(request: Omit<AdoptRequest, 'onStep'>): Promise<AdoptResult> {
    const address = hostLabel(request.address);
    return adoptTasmota({ ...request, onStep: (step, detail) => this.emit('adopt', { address, step, detail }) });
  }

  private found(device: Parameters<FoundList['addDevice']>[0]): void {
    this.list.addDevice(device, 'http', Date.now());
    this.emit('change');
  }
}
