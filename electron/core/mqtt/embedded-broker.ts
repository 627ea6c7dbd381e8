/**
 * The bridge's own MQTT broker (aedes over TCP), the default target when no broker is configured. Safe by default:
 * it listens on 127.0.0.1, and anywhere else only with a username and password.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes, type AuthenticateError } from 'aedes';
import { isLoopback } from '../config/loopback.ts';
import type { Secret } from '../config/secret.ts';

export interface EmbeddedBrokerOptions {
  /** Default 127.0.0.1; any other address needs `username` and `password`. */
  host?: string;
  /** Default 1883; 0 picks a free port. */
  port?: number;
  username?: string;
  password?: string | Secret;
}

export type EmbeddedBrokerErrorKind = 'needs-auth' | 'port-in-use' | 'address-unavailable' | 'listen-failed';

export class EmbeddedBrokerError extends Error {
  constructor(
    readonly kind: EmbeddedBrokerErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export interface EmbeddedBroker {
  host: string;
  port: number;
  /** mqtt://host:port, for the bridge's own connection. */
  url: string;
  connectedClients(): number;
  /** Disconnects every client and frees the port. */
  close(): Promise<void>;
}

/** MQTT 3.1.1 CONNACK return code 4: bad user name or password. */
const BAD_USERNAME_OR_PASSWORD = 4;

const digest = (value: string | Buffer): Buffer => createHash('sha256').update(value).digest();

/** Compares in constant time (hashing first makes the lengths equal) so the password cannot be guessed byte by byte. */
function sameSecret(given: string | Buffer | undefined, expected: string): boolean {
  return given !== undefined && timingSafeEqual(digest(given), digest(expected));
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 1883;
  const username = options.username;
  const password = typeof options.password === 'object' ? options.password.reveal() : options.password;
  const withAuth = username !== undefined && username !== '' && password !== undefined && password !== '';
  if (!isLoopback(host) && !withAuth) {
    throw new EmbeddedBrokerError(
      'needs-auth',
      `the embedded broker would listen on ${host}, reachable from other machines: set embeddedBroker.username and ` +
        'embeddedBroker.password, or keep embeddedBroker.host at 127.0.0.1',
    );
  }

  const aedes = await Aedes.createBroker({
    ...(withAuth && {
      authenticate: (_client, user, pass, done) => {
        if (user === username && sameSecret(pass, password)) return done(null, true);
        const error = Object.assign(new Error('bad user name or password'), { returnCode: BAD_USERNAME_OR_PASSWORD });
        done(error as AuthenticateError, false);
      },
    }),
  });
  // A misbehaving client is its own problem, never the bridge's: these events must not go unheard.
  aedes.on('clientError', () => {});
  aedes.on('connectionError', () => {});
  const server = createServer(aedes.handle);

  try {
    await listen(server, host, port);
  } catch (error) {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    throw listenError(error, host, port);
  }
  server.on('error', () => {}); // after listening, errors concern single sockets, which aedes handles

  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    host: address.address,
    port: address.port,
    url: `mqtt://${urlHost}:${address.port}`,
    connectedClients: () => aedes.connectedClients,
    close() {
      closing ??= new Promise<void>((resolve) => {
        // aedes.close disconnects the clients; the server then has no connection left keeping it open.
        aedes.close(() => server.close(() => resolve()));
      });
      return closing;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function listenError(error: unknown, host: string, port: number): EmbeddedBrokerError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new EmbeddedBrokerError(
      'port-in-use',
      `port ${port} on ${host} is already in use (another MQTT broker?): choose another embeddedBroker.port, or point ` +
        'broker.url at the broker that is already running',
    );
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new EmbeddedBrokerError(
      'address-unavailable',
      `the embedded broker cannot listen on ${host}: no such address on this machine`,
    );
  }
  if (code === 'EACCES') {
    return new EmbeddedBrokerError(
      'listen-failed',
      `not allowed to listen on port ${port} (ports below 1024 need privileges): choose another embeddedBroker.port`,
    );
  }
  return new EmbeddedBrokerError(
    'listen-failed',
    `the embedded broker cannot listen on ${host}:${port}: ${(error as Error).message}`,
  );
}
