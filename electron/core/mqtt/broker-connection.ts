/**
 * One mqtt.js client at a time to the chosen broker, reconnecting with backoff, with a state the UI can show.
 *
 * Every attempt uses a fresh mqtt.js client with its own reconnect turned off: when a connection drops, its
 * unacknowledged publishes fail at once (the publisher re-queues them in order) instead of mqtt.js re-sending its
 * own copies behind the publisher's back.
 */
import { EventEmitter } from 'node:events';
import { connect, ErrorWithReasonCode, type IClientPublishOptions, type IConnackPacket, type MqttClient } from 'mqtt';
import { Backoff } from '../transports/backoff.ts';
import {
  buildClientOptions,
  defaultClientId,
  describeConnectionError,
  parseBrokerUrl,
  secretsOf,
  type BrokerConnectionOptions,
  type ConnectionProblem,
} from './connection-options.ts';
import { ORIGIN_PROPERTY } from '../../../shared/sources/loop-guard.ts';
import type { OutboundMessage } from './outbound-message.ts';

export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface ConnectionState {
  status: ConnectionStatus;
  /** The broker URL without credentials. */
  url: string;
  clientId: string;
  /** Failed attempts since the last successful connection. */
  failedAttempts: number;
  /** Why the last attempt failed or the connection dropped; cleared once connected. */
  lastError?: ConnectionProblem;
  /** While reconnecting: the delay before the next attempt. */
  retryInMs?: number;
  /** Epoch ms of the last status change. */
  since: number;
}

export interface BrokerConnectionEvents {
  state: [state: ConnectionState];
  connected: [];
  /** The connection dropped: every publish still waiting for its acknowledgement fails right after this event. */
  disconnected: [problem: ConnectionProblem];
  /** The socket's send buffer emptied after `congested` was true: sending may go on. */
  drain: [];
}

/** Called once per send: without an error on PUBACK (QoS 1) or once written (QoS 0). */
export type SendDone = (error?: PublishRejectedError | ConnectionLostError) => void;

/** The broker answered a publish with an error reason code (MQTT 5), or mqtt.js refused it: retrying will not help. */
export class PublishRejectedError extends Error {
  readonly kind = 'publish-rejected';
}

/** The connection was not there or dropped before the broker acknowledged: the message may be sent again. */
export class ConnectionLostError extends Error {
  readonly kind = 'connection-lost';
}

export interface CloseOptions {
  /** Ask the broker to publish the last will (MQTT 5: DISCONNECT reason 0x04; MQTT 3.1.1: drop the socket). */
  publishWill?: boolean;
  /** Give up on a graceful DISCONNECT after this long; default 2 s. */
  timeoutMs?: number;
}

export class BrokerConnection extends EventEmitter<BrokerConnectionEvents> {
  private readonly backoff: Backoff;
  private readonly secrets: string[];
  private readonly clientId: string;
  private current: ConnectionState;
  private client: MqttClient | undefined;
  /** Bumped for every attempt: events of an abandoned client are ignored. */
  private attemptId = 0;
  /** Sends awaiting their outcome on the current connection: failed at once when it drops. */
  private pending = new Set<SendDone>();
  private retryTimer: NodeJS.Timeout | undefined;
  private serverReceiveMaximum = Number.POSITIVE_INFINITY;

  /**
   * mqtt.js publish options by QoS and retain, made once (mqtt.js copies them): with MQTT 5 every message says it is
   * the bridge's own, so no bridge (this one included) translates it again.
   */
  private readonly publishOptions: IClientPublishOptions[];

  constructor(private readonly options: BrokerConnectionOptions) {
    super();
    const origin = options.protocolVersion === 5 ? { properties: { userProperties: { [ORIGIN_PROPERTY]: '1' } } } : {};
    this.publishOptions = ([0, 1] as const).flatMap((qos) =>
      [false, true].map((retain) => ({ qos, retain, ...origin })),
    );
    this.backoff = new Backoff({ minMs: 1000, maxMs: 30_000, jitter: 0.2, ...options.reconnect });
    this.secrets = secretsOf(options);
    this.clientId = options.clientId ?? defaultClientId();
    let url: string;
    try {
      url = parseBrokerUrl(options.url).url;
    } catch {
      url = '(invalid URL)';
    }
    this.current = { status: 'idle', url, clientId: this.clientId, failedAttempts: 0, since: Date.now() };
  }

  get state(): ConnectionState {
    return { ...this.current };
  }

  get connected(): boolean {
    return this.current.status === 'connected';
  }

  /** How many unacknowledged QoS 1 publishes the broker accepts (MQTT 5 Receive Maximum; unlimited for 3.1.1). */
  get receiveMaximum(): number {
    return this.serverReceiveMaximum;
  }

  /** Starts connecting; failures are retried with backoff until close(). */
  start(): void {
    if (this.current.status === 'idle') void this.attempt();
  }

  /** True while the socket's send buffer is over its high-water mark: wait for 'drain' before sending more. */
  get congested(): boolean {
    return this.client?.stream?.writableNeedDrain === true;
  }

  /**
   * Publishes on the current connection; `done` is called exactly once. A callback rather than a promise: at
   * thousands of messages per second nothing per message should outlive its acknowledgement.
   */
  send(message: OutboundMessage, done: SendDone): void {
    const client = this.client;
    if (!client || !this.connected) {
      done(new ConnectionLostError('not connected to the broker'));
      return;
    }
    // One closure per message: it is the pending entry (failed at once when the connection drops) and the callback.
    const settle = (error?: Error): void => {
      if (!this.pending.delete(settle)) return;
      done(asSendError(error));
    };
    this.pending.add(settle);
    const payload = typeof message.payload === 'string' ? message.payload : Buffer.from(message.payload);
    try {
      const publishOptions = this.publishOptions[message.qos * 2 + (message.retain ? 1 : 0)]!;
      client.publish(message.topic, payload, publishOptions, settle);
    } catch (error) {
      settle(new PublishRejectedError(error instanceof Error ? error.message : String(error)));
    }
  }

  /** Gives up the current connection (e.g. after a publish failed oddly) and reconnects after the usual delay. */
  dropConnection(reason: string): void {
    if (this.client) this.lose(this.attemptId, { kind: 'protocol', message: reason });
  }

  /** Ends the connection (a clean DISCONNECT unless the will is asked for) and stops reconnecting. */
  async close(options: CloseOptions = {}): Promise<void> {
    if (this.current.status === 'closed') return;
    clearTimeout(this.retryTimer);
    this.attemptId++;
    const client = this.client;
    const wasConnected = this.connected;
    this.client = undefined;
    this.setState({ status: 'closed', retryInMs: undefined });
    if (wasConnected) this.failPending({ kind: 'network', message: 'connection closed' });
    if (!client) return;
    if (!wasConnected) return endClient(client, 'force');
    if (options.publishWill && this.options.protocolVersion !== 5) return endClient(client, 'force');
    await endClient(client, { reasonCode: options.publishWill ? 0x04 : 0x00, timeoutMs: options.timeoutMs ?? 2000 });
  }

  private async attempt(): Promise<void> {
    const id = ++this.attemptId;
    this.retryTimer = undefined;
    this.setState({ status: this.current.failedAttempts === 0 ? 'connecting' : 'reconnecting', retryInMs: undefined });
    let built: Awaited<ReturnType<typeof buildClientOptions>>;
    try {
      built = await buildClientOptions(this.options, this.clientId);
    } catch (error) {
      if (id === this.attemptId) this.lose(id, describeConnectionError(error, this.secrets));
      return;
    }
    if (id !== this.attemptId) return;
    let client: MqttClient;
    try {
      client = connect(built.url, built.clientOptions);
    } catch (error) {
      this.lose(id, describeConnectionError(error, this.secrets));
      return;
    }
    this.client = client;
    let lastError: ConnectionProblem | undefined;
    client.on('error', (error) => {
      lastError = describeConnectionError(error, this.secrets);
      if (id === this.attemptId) this.setState({ lastError });
    });
    client.on('connect', (connack: IConnackPacket) => {
      if (id !== this.attemptId) return;
      this.serverReceiveMaximum = connack.properties?.receiveMaximum ?? Number.POSITIVE_INFINITY;
      this.backoff.reset();
      this.setState({ status: 'connected', failedAttempts: 0, lastError: undefined });
      client.stream.on('drain', () => void (id === this.attemptId && this.emit('drain')));
      this.emit('connected');
    });
    client.on('close', () => {
      const fallback = this.connected ? 'connection to the broker lost' : 'the broker closed the connection';
      if (id === this.attemptId) this.lose(id, lastError ?? { kind: 'network', message: fallback });
    });
  }

  /** The attempt `id` failed or its connection dropped: tidy up, tell the publisher, and schedule the next attempt. */
  private lose(id: number, problem: ConnectionProblem): void {
    if (id !== this.attemptId) return;
    this.attemptId++;
    const client = this.client;
    const wasConnected = this.connected;
    this.client = undefined;
    if (client) void endClient(client, 'force');
    const retryInMs = this.backoff.next();
    this.setState({
      status: 'reconnecting',
      lastError: problem,
      failedAttempts: this.current.failedAttempts + 1,
      retryInMs,
    });
    if (wasConnected) this.failPending(problem);
    this.retryTimer = setTimeout(() => void this.attempt(), retryInMs);
  }

  private failPending(problem: ConnectionProblem): void {
    this.emit('disconnected', problem);
    // Each settles once and leaves the set itself.
    for (const settle of [...this.pending]) settle(new ConnectionLostError(problem.message));
  }

  private setState(change: Partial<ConnectionState>): void {
    const next = { ...this.current, ...change };
    if (change.status !== undefined && change.status !== this.current.status) next.since = Date.now();
    if (next.retryInMs === undefined) delete next.retryInMs;
    if (next.lastError === undefined) delete next.lastError;
    this.current = next;
    this.emit('state', this.state);
  }
}

/** What a send's outcome means for the publisher: a broker's refusal is for good, anything else may be retried. */
function asSendError(error: Error | undefined): PublishRejectedError | ConnectionLostError | undefined {
  if (!error || error instanceof PublishRejectedError || error instanceof ConnectionLostError) return error;
  if (error instanceof ErrorWithReasonCode) return new PublishRejectedError(error.message);
  return new ConnectionLostError(error.message);
}

/**
 * Ends an mqtt.js client: 'force' drops the socket (the broker then publishes the will), otherwise a DISCONNECT with
 * the reason code is sent (0x04 asks an MQTT 5 broker for the will). A late 'error' from it is swallowed here so it
 * cannot become an unhandled exception.
 */
function endClient(client: MqttClient, how: 'force' | { reasonCode: number; timeoutMs: number }): Promise<void> {
  client.removeAllListeners();
  client.on('error', () => {});
  return new Promise<void>((resolve) => {
    const force = how === 'force';
    const timer = setTimeout(() => client.end(true, {}, () => resolve()), force ? 1000 : how.timeoutMs);
    client.end(force, force ? {} : { reasonCode: how.reasonCode }, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
