/**
 * How the UI reaches the core: the api contract of shared/api.ts over some channel. A WebSocket in the browser now,
 * Electron IPC in the desktop app; components and the store never know which.
 */
import type { ApiEvent, ApiMethod, ApiMethods } from '../../../shared/api.ts';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface ApiTransport {
  call<M extends ApiMethod>(method: M): Promise<ApiMethods[M]>;
  /** Every event the core pushes; returns the unsubscribe function. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}
