/**
 * How the UI reaches the core: the api contract of shared/api.ts over some channel. A WebSocket in the browser now,
 * Electron IPC in the desktop app; components and the store never know which.
 */
import type { ApiArgs, ApiEvent, ApiMethod, ApiResult } from '../../../shared/api.ts';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface ApiTransport {
  /** One method of the contract, with its params when it takes them. */
  call<M extends ApiMethod>(method: M, ...args: ApiArgs<M>): Promise<ApiResult<M>>;
  /** Every event the core pushes; returns the unsubscribe function. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}
