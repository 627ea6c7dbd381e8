/**
 * Where the bridge publishes: the embedded broker (by default), the publisher with its disk queue, and a watch on
 * Home Assistant's status topic. It can switch to changed settings while the process runs: messages sent during
 * the switch are held and go to the new publisher once it is open.
 */
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { BridgeView } from '../../../shared/api.ts';
import type { ResolvedConfig } from '../config/load-config.ts';
import { buildClientOptions, type BrokerConnectionOptions } from '../mqtt/connection-options.ts';
import type { EmbeddedBroker } from '../mqtt/embedded-broker.ts';
import { openMqttPublishing, type MqttPublishing } from '../mqtt/open-publishing.ts';
import type { OutboundMessage } from '../mqtt/outbound-message.ts';
import type { MeterPublications } from '../pipeline/meter-publications.ts';
import type { BackoffOptions } from '../transports/backoff.ts';
import type { Logger } from './logger.ts';

export interface BridgeOutputOptions {
  /** Where the offline queue lives unless the config names a directory. */
  dataDir: string;
  log: Logger;
  now: () => number;
  /** The service's publications now (they are replaced when the topics change). */
  publications: () => MeterPublications;
  /** The broker connection's state changed. */
  onChange: () => void;
  reconnect?: BackoffOptions;
}

export class BridgeOutput {
  private embedded: EmbeddedBroker | undefined;
  /** The broker published to, as connected (embedded or configured). */
  private broker: BrokerConnectionOptions | undefined;
  private publishing: MqttPublishing | undefined;
  private haWatch: MqttClient | undefined;
  /** Messages held while the output switches (see hold()). */
  private held: OutboundMessage[] | undefined;

  constructor(private readonly options: BridgeOutputOptions) {}

  /** The embedded broker (if used), the publisher with its disk queue, the Home Assistant watch; rejects when one fails. */
  async open(config: ResolvedConfig): Promise<void> {
    const broker = (this.broker = await this.brokerOptions(config));
    this.publishing = await openMqttPublishing({
      broker,
      queue: {
        dir: config.queue.dir ?? join(this.options.dataDir, 'queue'),
        maxMessages: config.queue.maxMessages,
        maxBytes: config.queue.maxBytes,
      },
      flushRate: config.queue.flushRate,
      inFlightWindow: config.queue.inFlightWindow,
      maxPending: config.queue.maxPending,
    });
    const { log } = this.options;
    const { connection, publisher } = this.publishing;
    let loggedFailures = 0;
    connection.on('state', (s) => {
      // Once per failed attempt: an attempt changes state several times, but counts its failure once.
      if (s.failedAttempts > loggedFailures && s.lastError) log.warn(`broker ${s.url}: ${s.lastError.message}`);
      loggedFailures = s.failedAttempts;
      this.options.onChange();
    });
    connection.on('connected', () => {
      log.info(`connected to ${connection.state.url}`);
      // Everything retained again: a broker restarted without persistence has forgotten it.
      const publications = this.options.publications();
      this.send([
        publications.bridgeStatus('online'),
        publications.bridgeInfo(this.options.now()),
        ...publications.retained(),
      ]);
    });
    publisher.on('dropped', (count, total) =>
      log.warn(`offline queue full: dropped the ${count} oldest messages (${total} so far)`),
    );
    publisher.on('rejected', (count, { topic, reason }) =>
      log.warn(`${count} message(s) refused, the latest ${topic}: ${reason}`),
    );
    publisher.on('failed', (count, { topic, reason }) =>
      log.error(`could not keep ${count} message(s), the latest ${topic}: ${reason}`),
    );
    publisher.on('warning', (message) => log.warn(message));
    // The caller cleans up on failure: a half-started service keeps reconnecting and the process never exits.
    if (config.profile.homeAssistant.enabled)
      await this.watchHomeAssistant(broker, config.profile.homeAssistant.prefix);
  }

  /** Ends the output: meters and bridge reported offline there, what is unsent kept in the disk queue. */
  async close(closeEmbedded: boolean, drainTimeoutMs: number): Promise<void> {
    const publishing = this.publishing;
    this.publishing = undefined;
    if (publishing) {
      // Straight to this publisher (anything sent from now on is held for the next one or, stopping, not sent). Not
      // awaited: behind a backlog their delivery may take minutes; close() sends them within its bound or keeps them
      // on disk for the next start.
      const publications = this.options.publications();
      for (const m of [...publications.allOffline(), publications.bridgeStatus('offline')]) {
        void publishing.publisher.publish(m);
      }
      await publishing.close({ drainTimeoutMs });
    }
    await this.haWatch?.endAsync().catch(() => undefined);
    this.haWatch = undefined;
    if (closeEmbedded) {
      await this.embedded?.close();
      this.embedded = undefined;
    }
  }

  /** From now until release(), messages are held: one given to a closing publisher would be refused. */
  hold(): void {
    this.held = [];
  }

  /** Sends what was held to the publisher open now. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    this.send(held);
  }

  /** No promise per message: the publisher counts and reports what fails (thousands of messages a second). */
  send(messages: OutboundMessage[]): void {
    if (this.held) {
      this.held.push(...messages);
      return;
    }
    const publisher = this.publishing?.publisher;
    if (publisher) for (const m of messages) publisher.post(m);
  }

  /** Backpressure for sources that can wait: a promise while the publisher's memory tail is full (see whenRoom). */
  whenRoom(): Promise<void> | undefined {
    return this.held ? undefined : this.publishing?.publisher.whenRoom();
  }

  /** For sources that acknowledge their input: a promise while accepted messages are not yet safe (whenHandedOff). */
  whenHandedOff(): Promise<void> | undefined {
    return this.held ? undefined : this.publishing?.publisher.whenHandedOff();
  }

  /** The broker published to, with its login; undefined until open. */
  connectedBroker(): BrokerConnectionOptions | undefined {
    return this.broker;
  }

  embeddedUrl(): string | undefined {
    return this.embedded?.url;
  }

  /** The output's part of the UI's view; undefined until open. */
  view(): Pick<BridgeView, 'broker' | 'publisher' | 'embeddedBroker'> | undefined {
    if (!this.publishing) return undefined;
    return {
      broker: this.publishing.connection.state,
      publisher: this.publishing.publisher.stats(),
      embeddedBroker: this.embedded && { url: this.embedded.url, clients: this.embedded.connectedClients() },
    };
  }

  private async brokerOptions(config: ResolvedConfig): Promise<BrokerConnectionOptions> {
    const { broker, embeddedBroker } = config;
    if (embeddedBroker.enabled && !this.embedded) {
      // Loaded only when it runs: with an external broker, aedes and its dependencies never take memory.
      const { startEmbeddedBroker } = await import('../mqtt/embedded-broker.ts');
      this.embedded = await startEmbeddedBroker(embeddedBroker);
      this.options.log.info(`embedded MQTT broker listening on ${this.embedded.url}`);
    }
    const useEmbedded = broker.url === undefined;
    return {
      url: useEmbedded ? this.embedded!.url : broker.url!,
      username: useEmbedded ? embeddedBroker.username : broker.username,
      password: useEmbedded ? embeddedBroker.password : broker.password,
      clientId: broker.clientId,
      protocolVersion: broker.protocolVersion,
      ca: broker.ca,
      cert: broker.cert,
      key: broker.key,
      rejectUnauthorized: broker.rejectUnauthorized,
      will: this.options.publications().bridgeStatus('offline'),
      reconnect: this.options.reconnect,
    };
  }

  /** Home Assistant forgets discovered devices when it restarts without a persistent broker: announce them again. */
  private async watchHomeAssistant(broker: BrokerConnectionOptions, prefix: string): Promise<void> {
    const topic = `${prefix}/status`;
    const { url, clientOptions } = await buildClientOptions(
      { ...broker, will: undefined },
      `${broker.clientId ?? 'smartmeter-bridge'}-ha`,
    );
    // Unlike the publisher it has nothing to re-send, so mqtt.js may reconnect it (buildClientOptions turns that off).
    this.haWatch = mqtt.connect(url, {
      ...clientOptions,
      clientId: undefined,
      will: undefined,
      reconnectPeriod: this.options.reconnect?.minMs ?? 1000,
    });
    this.haWatch.on('error', () => undefined); // the publisher's connection reports broker problems
    this.haWatch.on('connect', () => this.haWatch?.subscribe(topic, { qos: 1 }));
    this.haWatch.on('message', (_t, payload) => {
      if (payload.toString() === 'online') this.send(this.options.publications().discoveryAll());
    });
  }
}
