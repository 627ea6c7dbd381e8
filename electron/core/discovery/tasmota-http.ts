/**
 * Tasmota's HTTP command api: `GET /cm?cmnd=<command>` with `user`/`password` query parameters when the web UI has a
 * password. Failures are values with a kind the UI can explain; the password never appears in any message.
 */
import { request } from 'node:http';
import type { ProbeAddress } from '../../../shared/discovery/address.ts';
import type { ProbeError, ProbeErrorKind } from '../../../shared/discovery/types.ts';

export type TasmotaHttpError = ProbeError;

export interface TasmotaCredentials {
  /** Tasmota's web user is `admin` unless changed. */
  user?: string;
  password?: string;
}

export interface TasmotaRequestOptions extends TasmotaCredentials {
  /** The whole request, connect to last byte; 3000 ms by default. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type TasmotaHttpResult = { ok: true; json: unknown } | { ok: false; error: TasmotaHttpError };

/** Status 0 of a device with many sensors is a few kB; anything far larger is not Tasmota. */
const MAX_BODY_BYTES = 64 * 1024;
const DEFAULT_TIMEOUT_MS = 3000;

const NETWORK_KINDS: Record<string, ProbeErrorKind> = {
  ECONNREFUSED: 'refused',
  ECONNRESET: 'refused',
  ETIMEDOUT: 'timeout',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  ENOTFOUND: 'unreachable',
  EAI_AGAIN: 'unreachable',
};

export function hostLabel(address: ProbeAddress): string {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return address.port === 80 ? host : `${host}:${address.port}`;
}

function failure(kind: ProbeErrorKind, where: string): TasmotaHttpResult {
  const messages: Record<ProbeErrorKind, string> = {
    invalid: `${where} is not an address`,
    refused: `${where} refused the connection: no web server there`,
    timeout: `${where} did not answer in time`,
    unreachable: `${where} cannot be reached`,
    auth: `${where} needs the web UI's user and password (or they are wrong)`,
    'not-tasmota': `${where} answers, but not like Tasmota`,
    aborted: `the request to ${where} was stopped`,
  };
  return { ok: false, error: { kind, message: messages[kind] } };
}

/** Sends one command (e.g. `Status 0`, `Backlog …`); resolves, never rejects. */
export function tasmotaCommand(
  address: ProbeAddress,
  command: string,
  options: TasmotaRequestOptions = {},
): Promise<TasmotaHttpResult> {
  const where = hostLabel(address);
  const query = new URLSearchParams({ cmnd: command });
  if (options.password !== undefined) {
    query.set('user', options.user ?? 'admin');
    query.set('password', options.password);
  }
  return new Promise((resolve) => {
    if (options.signal?.aborted) return resolve(failure('aborted', where));
    let settled = false;
    const finish = (result: TasmotaHttpResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      options.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(result);
    };
    const req = request(
      { host: address.host, port: address.port, path: `/cm?${query}`, method: 'GET', agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) return finish(failure('not-tasmota', where));
          chunks.push(chunk);
        });
        res.on('error', () => finish(failure('refused', where)));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 401 || /Need user=/.test(body)) return finish(failure('auth', where));
          let json: unknown;
          try {
            json = JSON.parse(body);
          } catch {
            return finish(failure('not-tasmota', where));
          }
          finish(res.statusCode === 200 ? { ok: true, json } : failure('not-tasmota', where));
        });
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      // HPE_*: Node's HTTP parser found something that is not HTTP (some other service on that port).
      const kind = e.code?.startsWith('HPE_') ? 'not-tasmota' : (NETWORK_KINDS[e.code ?? ''] ?? 'unreachable');
      finish(failure(kind, where));
    });
    const deadline = setTimeout(() => finish(failure('timeout', where)), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const onAbort = () => finish(failure('aborted', where));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    req.end();
  });
}
