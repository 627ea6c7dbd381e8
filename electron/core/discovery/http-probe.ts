/**
 * HTTP discovery: `Status 0` of one address the user typed, or of every host of a subnet the user named (at most a
 * /24), started at a limited rate, a few at a time, with progress after each host and a stop through an AbortSignal.
 * Nothing here runs unless the user asked for exactly that address or subnet.
 */
import type { ProbeAddress } from '../../../shared/discovery/address.ts';
import { subnetHosts } from '../../../shared/discovery/subnet.ts';
import { readStatus0 } from '../../../shared/discovery/tasmota-payloads.ts';
import { normalizeIp } from '../../../shared/discovery/text.ts';
import type { DeviceFacts, ScanProgress } from '../../../shared/discovery/types.ts';
import { hostLabel, tasmotaCommand, type TasmotaHttpError, type TasmotaRequestOptions } from './tasmota-http.ts';

export type ProbeResult =
  { ok: true; address: ProbeAddress; device: DeviceFacts } | { ok: false; error: TasmotaHttpError };

export async function probeTasmota(address: ProbeAddress, options: TasmotaRequestOptions = {}): Promise<ProbeResult> {
  const answer = await tasmotaCommand(address, 'Status 0', options);
  if (!answer.ok) return answer;
  const device = readStatus0(answer.json);
  if (!device) {
    return {
      ok: false,
      error: { kind: 'not-tasmota', message: `${hostLabel(address)} answers, but not like Tasmota` },
    };
  }
  // The address that answered is the one to use, whatever the device believes its own IP to be.
  const ip = normalizeIp(address.host) ?? device.ip;
  const port = address.port === 80 ? {} : { httpPort: address.port };
  return { ok: true, address, device: { ...device, ...(ip === undefined ? {} : { ip }), ...port } };
}

export interface ScanOptions extends TasmotaRequestOptions {
  /** Requests started per second at most; 20 by default. */
  perSecond?: number;
  /** Requests in flight at most; 8 by default. */
  concurrency?: number;
  port?: number;
  onProgress?(progress: ScanProgress): void;
  onFound?(address: ProbeAddress, device: DeviceFacts): void;
}

export type ScanResult =
  | { ok: true; devices: { address: ProbeAddress; device: DeviceFacts }[]; stopped: boolean }
  | { ok: false; error: string };

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Probes every host of `cidr`; devices that are not Tasmota (or not there) are simply not listed. */
export async function scanSubnet(cidr: string, options: ScanOptions = {}): Promise<ScanResult> {
  const subnet = subnetHosts(cidr);
  if ('error' in subnet) return { ok: false, error: subnet.error };
  const { signal } = options;
  const spacingMs = 1000 / (options.perSecond ?? 20);
  const concurrency = options.concurrency ?? 8;
  const progress: ScanProgress = { done: 0, total: subnet.hosts.length, found: 0 };
  const devices: { address: ProbeAddress; device: DeviceFacts }[] = [];
  const running = new Set<Promise<void>>();

  for (const host of subnet.hosts) {
    if (signal?.aborted) break;
    while (running.size >= concurrency) await Promise.race(running);
    if (signal?.aborted) break;
    const probe = probeTasmota({ host, port: options.port ?? 80 }, options).then((result) => {
      running.delete(probe);
      progress.done++;
      if (result.ok) {
        progress.found++;
        devices.push({ address: result.address, device: result.device });
        options.onFound?.(result.address, result.device);
      }
      options.onProgress?.({ ...progress });
    });
    running.add(probe);
    await sleep(spacingMs, signal);
  }
  await Promise.all(running);
  return { ok: true, devices, stopped: signal?.aborted ?? false };
}
