/**
 * MQTT discovery on one broker: subscribes the discovery filters (retained Tasmota discovery, Tasmota telemetry,
 * datacollector and RL-DSP streams) and feeds what each message says into the found list. Read-only: it publishes
 * nothing. On MQTT 5 the bridge's origin property marks its own output, which is never listed.
 */
import { randomUUID } from 'node:crypto';
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import {
  discoveryFilters,
  readBrokerMessage,
  type BrokerDiscoveryOptions,
} from '../../../shared/discovery/broker-message.ts';
import type { FoundList } from '../../../shared/discovery/found-list.ts';
import type { DiscoveryCounters } from '../../../shared/discovery/types.ts';
import { hasOwnOrigin } from '../../../shared/sources/loop-guard.ts';
import { subscriberClientOptions } from '../mqtt/client-options.ts';

export interface BrokerWatchOptions extends BrokerDiscoveryOptions {
  /** Broker URL without credentials (it is shown in the list). */
  url: string;
  username?: string;
  password?: string;
  /** 5 lets the origin property tell the bridge's own messages apart; 4 for MQTT 3.1.1 brokers (the embedded one). */
  protocolVersion?: 4 | 5;
  list: FoundList;
  /** Called after a message changed the list (the caller coalesces). */
  onChange(): void;
}

/** Broker must not send discovery packets larger than this (MQTT 5); gateway messages are far smaller. */
const MAX_PACKET_BYTES = 256 * 1024;

export class BrokerWatch {
  readonly counters: Omit<DiscoveryCounters, 'overflow'> = { messages: 0, own: 0, invalid: 0 };
  private client: MqttClient | undefined;
  private state: { connected: boolean; error?: string } = { connected: false };

  constructor(private readonly options: BrokerWatchOptions) {}

  get status(): { url: string; connected: boolean; error?: string } {
    return { url: this.options.url, ...this.state };
  }

  start(): void {
    if (this.client) return;
    const version = this.options.protocolVersion ?? 5;
    const client = mqtt.connect(
      this.options.url,
      subscriberClientOptions({
        protocolVersion: version,
        clientId: `smartmeter-bridge-discovery-${randomUUID().slice(0, 8)}`,
        username: this.options.username,
        password: this.options.password,
        reconnectPeriodMs: 5000,
        properties: { maximumPacketSize: MAX_PACKET_BYTES },
      }),
    );
    this.client = client;
    client.on('connect', () => {
      client.subscribe(discoveryFilters(this.options), { qos: 0 }, (error) => {
        this.setState(client.connected, error ? `subscribing failed: ${error.message}` : undefined);
      });
    });
    client.on('message', (topic, payload, packet) => this.handle(topic, payload, packet));
    client.on('error', (error) => this.setState(client.connected, error.message));
    client.on('close', () => this.setState(false, this.state.error ?? 'the broker closed the connection'));
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    client.removeAllListeners();
    client.on('error', () => {}); // a late socket error on the closed client must not become an uncaught exception
    await client.endAsync(true).catch(() => undefined);
    this.state = { connected: false };
  }

  private handle(topic: string, payload: Buffer, packet: IPublishPacket): void {
    this.counters.messages++;
    if (hasOwnOrigin(packet.properties?.userProperties)) {
      this.counters.own++;
      return;
    }
    const finding = readBrokerMessage(topic, payload, this.options);
    if (finding === null) return;
    if ('own' in finding) return void this.counters.own++;
    if ('invalid' in finding) return void this.counters.invalid++;
    const now = Date.now();
    const { list, url } = this.options;
    if (finding.device) list.addDevice(finding.device, 'mqtt', now, url);
    if (finding.meter) list.addMeter(finding.meter, url, now);
    this.options.onChange();
  }

  private setState(connected: boolean, error: string | undefined): void {
    if (connected === this.state.connected && error === this.state.error) return;
    this.state = { connected, ...(error === undefined ? {} : { error }) };
    this.options.onChange();
  }
}
