/**
 * mDNS/DNS-SD: Tasmota announces its web UI as `_http._tcp` under its hostname (`tasmota-A1B2C3-1234`, or whatever
 * the user named it, e.g. `gplug-…`). One browse for a limited time, answers with Tasmota-like names resolved to
 * address and port. Multicast stays on the local link; only the user's "search" starts it.
 */
import type { Service } from 'bonjour-service';
import { clip, normalizeIp } from '../../../shared/discovery/text.ts';
import type { DeviceFacts } from '../../../shared/discovery/types.ts';

/** Default Tasmota hostnames and the gPlug's. */
const TASMOTA_LIKE = /tasmota|gplug/i;

export interface MdnsBrowseOptions {
  /** How long to listen for answers; 3000 ms by default. */
  durationMs?: number;
  signal?: AbortSignal;
}

export type MdnsResult = { ok: true; devices: DeviceFacts[] } | { ok: false; error: string };

const MAX_ANSWERS = 256;

function facts(service: Service): DeviceFacts {
  const ip = [...(service.addresses ?? []), service.referer?.address ?? '']
    .map(normalizeIp)
    .find((address) => address !== undefined);
  const hostname = clip(service.host.replace(/\.local\.?$/, ''));
  return {
    name: clip(service.name),
    hostname,
    ...(ip === undefined ? {} : { ip }),
    ...(service.port && service.port !== 80 ? { httpPort: service.port } : {}),
  };
}

export async function browseMdns(options: MdnsBrowseOptions = {}): Promise<MdnsResult> {
  // Loaded on the first search, not at start: most bridges never browse.
  const { Bonjour } = await import('bonjour-service');
  return new Promise((resolve) => {
    let failed: string | undefined;
    let bonjour: InstanceType<typeof Bonjour>;
    try {
      bonjour = new Bonjour({}, (error: Error) => (failed ??= error.message));
    } catch (e) {
      return resolve({ ok: false, error: `mDNS is not available here: ${(e as Error).message}` });
    }
    const found = new Map<string, DeviceFacts>();
    const browser = bonjour.find({ type: 'http', protocol: 'tcp' }, (service) => {
      if (found.size >= MAX_ANSWERS || !(TASMOTA_LIKE.test(service.name) || TASMOTA_LIKE.test(service.host))) return;
      found.set(`${service.name}|${service.host}`, facts(service));
    });
    const finish = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', finish);
      browser.stop();
      bonjour.destroy();
      resolve(
        failed === undefined
          ? { ok: true, devices: [...found.values()] }
          : { ok: false, error: `mDNS failed: ${failed}` },
      );
    };
    const timer = setTimeout(finish, options.durationMs ?? 3000);
    options.signal?.addEventListener('abort', finish, { once: true });
  });
}
