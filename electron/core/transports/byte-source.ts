/**
 * The common face of every byte source (serial port, TCP bridge): bytes out, plus a state a user can read.
 * Errors never leave as exceptions or 'error' events: they travel inside the state, as a kind and a human message.
 */
import type { DecodeError } from '../../../shared/protocols/types.ts';

export type SourceStateName = 'connecting' | 'detecting' | 'open' | 'waiting' | 'stopped';

export type SourceErrorKind =
  | 'permission'
  | 'busy'
  | 'not-found'
  | 'unplugged'
  | 'unsupported-setting'
  | 'refused'
  | 'unreachable'
  | 'timeout'
  | 'closed'
  | 'no-signal'
  | 'io';

export interface SourceError {
  readonly kind: SourceErrorKind;
  /** One sentence a user can act on, e.g. "no such port /dev/ttyUSB0". */
  readonly message: string;
}

export interface SourceState {
  state: SourceStateName;
  /** What is going on, e.g. "115200 8N1 on /dev/ttyUSB0" or "retrying in 4 s". */
  detail?: string;
  error?: SourceError;
  /** With `waiting`: how long until the next attempt. */
  retryInMs?: number;
}

export interface ByteSourceEvents {
  data: [chunk: Uint8Array];
  state: [state: SourceState];
  /** A message the link itself checked and refused (a mode C readout's BCC): counted like the decoder's errors. */
  linkError: [error: DecodeError];
}

export interface ByteSource {
  /** Starts connecting; idempotent. Never throws: problems show up as states. */
  start(): void;
  /** Closes the connection and stops retrying; resolves once everything is released. */
  stop(): Promise<void>;
  readonly state: SourceState;
  on<E extends keyof ByteSourceEvents>(event: E, listener: (...args: ByteSourceEvents[E]) => void): this;
  off<E extends keyof ByteSourceEvents>(event: E, listener: (...args: ByteSourceEvents[E]) => void): this;
}

export function sourceError(kind: SourceErrorKind, message: string): SourceError {
  return { kind, message };
}
