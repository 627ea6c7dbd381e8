/**
 * One request of the api contract (shared/api.ts) answered, whichever transport carried it: the WebSocket of `serve`
 * or the desktop app's IPC. The payload is untrusted: nothing runs before it matched one of the contract's schemas.
 */
import {
  apiRequestSchema,
  discoveryRequestSchema,
  type ApiResponse,
  type DiscoveryResponse,
} from '../../shared/api.ts';
import type { ApiBackend } from './api-server.ts';

export async function answerApiRequest(
  backend: ApiBackend,
  payload: unknown,
): Promise<ApiResponse | DiscoveryResponse> {
  let id: number | null = null;
  try {
    const discovery = backend.discovery ? discoveryRequestSchema.safeParse(payload) : undefined;
    if (backend.discovery && discovery?.success) {
      id = discovery.data.id;
      return { id, ok: true, result: await backend.discovery.handle(discovery.data) };
    }
    const parsed = apiRequestSchema.safeParse(payload);
    if (!parsed.success) throw new Error(`not a request: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    id = parsed.data.id;
    const result = parsed.data.method === 'getBridge' ? backend.getBridge() : await backend.listSerialPorts();
    if (result === undefined) throw new Error('the bridge is not running');
    return { id, ok: true, result };
  } catch (e) {
    return { id, ok: false, error: { message: (e as Error).message } };
  }
}
