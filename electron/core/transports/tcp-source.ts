/**
 * A meter behind a TCP bridge that passes the serial bytes through unchanged (ser2net, ESP-Link, P1/M-Bus WiFi
 * dongles): connect, stream, reconnect with backoff. Line settings live on the bridge, not here.
 */
import { connect } from 'node:net';
import type { BackoffOptions } from './backoff.ts';
import { sourceError, type SourceError } from './byte-source.ts';
import { formatDuration, ReconnectingSource } from './reconnecting-source.ts';
import { classifyTcpError } from './tcp-errors.ts';

export interface TcpSourceOptions {
  host: string;
  port: number;
  /** Give up a connection attempt after this long; default 10 s. */
  connectTimeoutMs?: number;
  /** TCP keep-alive probes start after this much silence, so a vanished bridge is noticed; default 30 s. */
  keepAliveMs?: number;
  /**
   * Reconnect when no byte arrived for this long (a bridge that kept the socket but lost its meter or hung);
   * meters push every 1-10 s; default 60 s, 0 turns it off.
   */
  idleTimeoutMs?: number;
  backoff?: BackoffOptions;
  /**
   * Asked after each chunk: undefined when the output can take more, else a promise until which the socket is not
   * read (the kernel's buffers and TCP flow control hold the rest), so a flood cannot grow this process.
   */
  room?: () => Promise<void> | undefined;
}

export class TcpSource extends ReconnectingSource {
  private readonly address: string;

  constructor(private readonly options: TcpSourceOptions) {
    super(options.backoff);
    this.address = options.host.includes(':') ? `[${options.host}]:${options.port}` : `${options.host}:${options.port}`;
  }

  protected connect(signal: AbortSignal): Promise<SourceError> {
    const { host, port, connectTimeoutMs = 10_000, keepAliveMs = 30_000, idleTimeoutMs = 60_000 } = this.options;
    this.setState({ state: 'connecting', detail: this.address });
    return new Promise((resolve) => {
      const socket = connect({ host, port });
      let done = false;
      const finish = (reason: SourceError): void => {
        if (done) return;
        done = true;
        clearTimeout(connectTimer);
        signal.removeEventListener('abort', stop);
        socket.destroy();
        resolve(reason);
      };
      const stop = (): void => finish(sourceError('closed', 'stopped'));
      const connectTimer = setTimeout(
        () =>
          finish(
            sourceError(
              'timeout',
              `${this.address} did not accept the connection within ${formatDuration(connectTimeoutMs)}`,
            ),
          ),
        connectTimeoutMs,
      );
      signal.addEventListener('abort', stop, { once: true });
      if (signal.aborted) stop();

      socket.once('connect', () => {
        clearTimeout(connectTimer);
        socket.setKeepAlive(true, keepAliveMs);
        if (idleTimeoutMs > 0) socket.setTimeout(idleTimeoutMs);
        this.setState({ state: 'open', detail: this.address });
      });
      socket.on('data', (chunk: Buffer) => {
        this.deliver(chunk);
        const wait = this.options.room?.();
        if (!wait) return;
        socket.pause();
        void wait.then(() => socket.resume());
      });
      socket.on('timeout', () =>
        finish(sourceError('no-signal', `no data from ${this.address} for ${formatDuration(idleTimeoutMs)}`)),
      );
      socket.on('error', (err) => finish(classifyTcpError(err, this.address)));
      socket.on('close', () => finish(sourceError('closed', `${this.address} closed the connection`)));
    });
  }
}
