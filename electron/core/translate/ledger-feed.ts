/**
 * The ledger's topics on a clean connection of their own: the retained state bundles once, then meters' status changes
 * and Home Assistant discovery, never queued behind the instance's backlog of gateway messages. `learned` resolves
 * once the retained topics are read, i.e. a marker published after subscribing has come back (a broker sends a
 * subscription's retained messages first).
 */
import mqtt, { type MqttClient } from 'mqtt';
import { subscriberClientOptions } from '../mqtt/client-options.ts';
import type { HaAnnouncer } from './ha-announcer.ts';
import type { MeterLedger } from './meter-ledger.ts';
import type { TranslateOptions } from './translate-options.ts';

export interface LedgerFeed {
  client: MqttClient;
  learned: Promise<void>;
}

export function openLedgerFeed(
  options: TranslateOptions,
  instanceRoot: string,
  ledger: MeterLedger,
  announcer: HaAnnouncer | undefined,
  onError: (error: Error) => void,
): LedgerFeed {
  const marker = `${instanceRoot}/sync`;
  const feed = mqtt.connect(
    options.url,
    subscriberClientOptions({
      protocolVersion: 5,
      clientId: `smartmeter-bridge-translate-${options.instanceId}-ledger`,
      username: options.username,
      password: options.password,
      reconnectPeriodMs: options.reconnectPeriodMs ?? 2000,
    }),
  );
  feed.on('error', onError);
  let synced: () => void = () => {};
  const done = new Promise<void>((resolve) => (synced = resolve));
  feed.on('message', (topic, payload) => {
    if (topic === marker) synced();
    else if (!ledger.learn(topic, payload, Date.now())) announcer?.learn(topic, payload);
  });
  const { stateFilter, statusFilter } = ledger;
  const kept = [statusFilter, ...(announcer ? [announcer.filter] : [])];
  let learned = false;
  feed.on('connect', () => {
    if (learned) feed.subscribe(kept, { qos: 1 });
    else
      feed.subscribe([stateFilter, ...kept, marker], { qos: 1 }, (error) => {
        if (!error) feed.publish(marker, String(Date.now()), { qos: 1 });
      });
  });
  void done.then(() => {
    learned = true;
    feed.unsubscribe([stateFilter, marker]);
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${marker} did not come back within 10 s`)), 10_000);
    feed.once('end', () => reject(new Error('stopped'))); // a signal during the start ends the wait
  });
  return { client: feed, learned: Promise.race([done, late]).finally(() => clearTimeout(timer)) };
}
