/**
 * One translated reading's outputs: its meter's info, Home Assistant discovery, status, value topics, state bundle and
 * RL-DSP bundle; or, for a reading that is older than the newest published or may have waited too long (DelayProbe),
 * its state on `<base>/<id>/late` only, since the live topics only move forward.
 */
import type { MqttClient } from 'mqtt';
import {
  harmonize,
  meterInfoPayload,
  PUBLISH_OPTIONS,
  rlDspMessage,
  statePayload,
  valuePayload,
  type ProfileTopics,
} from '../../../shared/profile/index.ts';
import type { ObisMessage } from '../../../shared/protocols/types.ts';
import type { DelayProbe } from './delay-probe.ts';
import type { HaAnnouncer } from './ha-announcer.ts';
import type { MeterLedger } from './meter-ledger.ts';
import type { TranslateCounters, TranslateOptions } from './translate-options.ts';

export interface PublishFlags {
  qos: 0 | 1;
  retain: boolean;
}
export type Send = (client: MqttClient, topic: string, payload: string, options: PublishFlags) => void;

/** Late readings are history, not the meter's present, and probes are this instance's own: never retained. */
export const NOT_RETAINED = { qos: 1, retain: false } as const;

export interface ReadingOutputsDeps {
  topics: ProfileTopics;
  ledger: MeterLedger;
  announcer: HaAnnouncer | undefined;
  probe: DelayProbe;
  counters: TranslateCounters;
  options: Pick<TranslateOptions, 'maxDelayMs' | 'rlDsp'>;
  send: Send;
}

export class ReadingOutputs {
  constructor(private readonly deps: ReadingOutputsDeps) {}

  publish(client: MqttClient, message: ObisMessage, device: string): void {
    const { topics: profile, ledger, announcer, probe, counters, options, send } = this.deps;
    const nowMs = Date.now();
    const receivedAt = nowMs / 1000;
    const meterId = message.meterId ?? device;
    const topics = profile.meter(meterId);
    const readings = harmonize(message, ledger.get(topics.id)?.tariffs);
    const state = statePayload(readings, message.timestamp, receivedAt);
    const delayed = probe.delayed(nowMs, options.maxDelayMs);
    if (delayed || !ledger.accepts(topics.id, state.timestamp)) {
      // Kept, but off the live topics, which only move forward (Home Assistant books a lower total as a reset).
      counters[delayed ? 'delayed' : 'late']++;
      ledger.heard(topics.id, nowMs); // not live, but the meter spoke: never reported offline for it
      send(client, `${profile.base}/${topics.id}/late`, JSON.stringify(state), NOT_RETAINED);
      return;
    }
    const entry = ledger.published(topics.id, state.timestamp, Object.keys(state.readings), nowMs);
    const info = meterInfoPayload({ ...message, meterId }, { source: `mqtt:${device.split('/')[0]}` });
    const infoJson = JSON.stringify(info);
    if (infoJson !== entry.infoJson) {
      entry.infoJson = infoJson;
      send(client, topics.info, infoJson, PUBLISH_OPTIONS.info);
    }
    const discovery = announcer?.announce(info, readings);
    if (discovery) send(client, discovery.topic, discovery.payload, PUBLISH_OPTIONS.discovery);
    if (!entry.online) {
      entry.online = true;
      send(client, topics.status, 'online', PUBLISH_OPTIONS.status);
    }
    for (const r of readings) {
      send(client, topics.value(r.topic), JSON.stringify(valuePayload(r, receivedAt)), PUBLISH_OPTIONS.value);
    }
    // A one-value reading would replace the meter's whole state bundle with a part of it.
    if (!device.startsWith('datacollector/')) send(client, topics.state, JSON.stringify(state), PUBLISH_OPTIONS.state);
    if (options.rlDsp) {
      const rl = rlDspMessage(topics.id, readings, message.timestamp, receivedAt, options.rlDsp);
      // `ts` alone: none of the readings is an RL-DSP register.
      if (Object.keys(rl.payload.meter).length > 1)
        send(client, rl.topic, JSON.stringify(rl.payload), PUBLISH_OPTIONS.rlDsp);
    }
    counters.translated++;
  }
}
