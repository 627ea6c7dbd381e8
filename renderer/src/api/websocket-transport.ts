/**
 * The api over the WebSocket that `serve` offers at /api (docs/api.md): requests matched to responses by id, events
 * passed on, and a reconnect with growing delay when the bridge restarts, so an open page comes back by itself.
 */
import type { ApiArgs, ApiEvent, ApiMethod, ApiResponse, ApiResult } from '../../../shared/api.ts';
import type { ApiTransport, ConnectionState } from './transport.ts';

const RETRY_MS = [250, 500, 1000, 2000, 5000];
const CALL_TIMEOUT_MS = 15_000;

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

function isEvent(message: unknown): message is ApiEvent {
  return typeof message === 'object' && message !== null && typeof (message as ApiEvent).event === 'string';
}

function isResponse(message: unknown): message is ApiResponse {
  return typeof message === 'object' && message !== null && 'ok' in message && 'id' in message;
}

/** The api socket of the page's own server: ws(s)://<host>/api. */
export function apiUrl(location: Location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`;
}

export function websocketTransport(url: string): ApiTransport {
  const eventListeners = new Set<(event: ApiEvent) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let attempt = 0;
  let closed = false;
  let socket: WebSocket;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const setState = (state: ConnectionState) => connectionListeners.forEach((l) => l(state));

  const receive = (raw: unknown) => {
    let message: unknown;
    try {
      message = JSON.parse(String(raw));
    } catch {
      return;
    }
    if (isEvent(message)) eventListeners.forEach((l) => l(message));
    else if (isResponse(message) && message.id !== null) {
      const call = pending.get(message.id);
      if (!call) return;
      pending.delete(message.id);
      clearTimeout(call.timer);
      if (message.ok) call.resolve(message.result);
      else call.reject(new Error(message.error.message));
    }
  };

  let opened = false;
  const connect = () => {
    // Once a connection was lost the state stays 'closed' through the retries, instead of flickering.
    if (!opened) setState('connecting');
    socket = new WebSocket(url);
    socket.onopen = () => ((opened = true), (attempt = 0), setState('open'));
    socket.onmessage = (e) => receive(e.data);
    socket.onclose = () => {
      for (const [id, call] of pending) {
        clearTimeout(call.timer);
        call.reject(new Error('the connection to the bridge was lost'));
        pending.delete(id);
      }
      if (closed) return;
      setState('closed');
      retry = setTimeout(connect, RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]);
    };
  };
  connect();

  return {
    call<M extends ApiMethod>(method: M, ...args: ApiArgs<M>): Promise<ApiResult<M>> {
      if (socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error('not connected to the bridge'));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error('the bridge did not answer'));
        }, CALL_TIMEOUT_MS);
        pending.set(id, { resolve: resolve as (r: unknown) => void, reject, timer });
        socket.send(JSON.stringify(args.length ? { id, method, params: args[0] } : { id, method }));
      });
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    close() {
      closed = true;
      clearTimeout(retry);
      socket.close();
    },
  };
}
