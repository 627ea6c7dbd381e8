/** A client of serve's WebSocket api, as the UI talks to it: each call resolves with the answer to its own id. */
import WebSocket from 'ws';
import type { ApiResponse } from '../../../shared/api.ts';

export interface ApiClient {
  call(method: string, params?: unknown): Promise<ApiResponse>;
  close(): void;
}

/** Opens `/api` of a serve listening on the loopback `port`. */
export async function connectApi(port: number): Promise<ApiClient> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/api`);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let nextId = 1;
  return {
    call(method, params) {
      const id = nextId++;
      return new Promise((resolve) => {
        const onMessage = (data: WebSocket.RawData) => {
          const message = JSON.parse(String(data)) as ApiResponse;
          if (!('id' in message) || message.id !== id) return;
          socket.off('message', onMessage);
          resolve(message);
        };
        socket.on('message', onMessage);
        socket.send(JSON.stringify(params === undefined ? { id, method } : { id, method, params }));
      });
    },
    close: () => socket.close(),
  };
}
