/** Below the byte-source seam: bytes handed in by the test, as a serial port, a stick or a TCP socket would. */
import { EventEmitter } from 'node:events';
import type { ByteSource, ByteSourceEvents, SourceState } from '../../electron/core/transports/byte-source.ts';

export class FedBytes extends EventEmitter<ByteSourceEvents> implements ByteSource {
  state: SourceState = { state: 'open' };
  start(): void {}
  async stop(): Promise<void> {}
  feed(bytes: Uint8Array): void {
    this.emit('data', bytes);
  }
}
