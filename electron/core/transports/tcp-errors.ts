/** TCP failures in words a user can act on, naming the bridge (ser2net, ESP-Link, ...) they tried to reach. */
import { sourceError, type SourceError } from './byte-source.ts';
import { describeError } from './reconnecting-source.ts';

export function classifyTcpError(err: unknown, address: string): SourceError {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return sourceError('refused', `${address} refused the connection: is the bridge running and the port right?`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return sourceError('unreachable', `${address} is unreachable: is the bridge powered and on this network?`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return sourceError('not-found', `no such host ${address}: check the name or use its IP address`);
    case 'ETIMEDOUT':
      return sourceError('timeout', `${address} did not answer in time: is the bridge powered and on this network?`);
    case 'ECONNRESET':
    case 'EPIPE':
      return sourceError('closed', `${address} closed the connection`);
    default:
      return sourceError('io', `${address}: ${describeError(err)}`);
  }
}
