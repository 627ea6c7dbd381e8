/**
 * One request of the api contract (shared/api.ts) answered, whichever transport carried it: the WebSocket of `serve`
 * or the desktop app's IPC. The payload is untrusted: nothing runs before it matched the contract's request schema.
 */
import { z } from 'zod';
import {
  ApiFailure,
  apiRequestSchema,
  requestId,
  type ApiMethod,
  type ApiParams,
  type ApiResponse,
  type ApiResult,
  type BridgeView,
} from '../../shared/api.ts';

/** One function per method of the contract, given the validated params. */
export type ApiHandlers = {
  [M in ApiMethod]: (params: ApiParams<M>) => ApiResult<M> | Promise<ApiResult<M>>;
};

/** What answers requests: the bridge view, and the handlers of every other method the core offers right now. */
export interface ApiHandlerSource {
  /** Undefined while the bridge is not running. */
  getBridge(): BridgeView | undefined;
  /** A method left out (discovery not running, say) is refused with a message naming it. */
  handlers: Partial<Omit<ApiHandlers, 'getBridge'>>;
}

/** The id of a request refused by the contract, so that its caller gets the refusal instead of waiting for an answer. */
const requestIdOnly = z.looseObject({ id: requestId });

export async function answerApiRequest(backend: ApiHandlerSource, payload: unknown): Promise<ApiResponse> {
  let id: number | null = null;
  try {
    const parsed = apiRequestSchema.safeParse(payload);
    if (!parsed.success) {
      id = requestIdOnly.safeParse(payload).data?.id ?? null;
      throw new Error(`not a request: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    }
    id = parsed.data.id;
    const { method } = parsed.data;
    if (method === 'getBridge') {
      const view = backend.getBridge();
      if (view === undefined) throw new Error('the bridge is not running');
      return { id, ok: true, result: view };
    }
    const handler = backend.handlers[method] as ((params: unknown) => unknown) | undefined;
    if (!handler) throw new Error(`${method} is not available: the bridge or that part of it is not running`);
    const result = (await handler('params' in parsed.data ? parsed.data.params : undefined)) as ApiResult<ApiMethod>;
    return { id, ok: true, result };
  } catch (e) {
    const kind = e instanceof ApiFailure ? { kind: e.kind } : {};
    return { id, ok: false, error: { message: (e as Error).message, ...kind } };
  }
}
