/**
 * The load tests' verdict over a fleet's deliveries. A DSMR meter's gas value carries the gas capture time (every
 * 5 minutes), not the telegram's: in the 5-minute outage run that capture time coincided with one reading's second, the
 * gas topic was then checked like a reading topic, and every other reading counted as lost on it (31,808 "lost" values,
 * all gas_volume, while every reading had arrived).
 */
import { describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { DSMR_GAS_TOPIC } from './dsmr-fleet.ts';
import { TRAFFIC_START } from './gateway-traffic.ts';
import { fleetVerdict, type ProfileConsumer } from './profile-consumer.ts';

const START = TRAFFIC_START; // 17:00:01: the first gas capture time (17:00:00) is no reading's second
const METER = 'E0026000000000000';

/** What a consumer saw of one meter sending a reading a second for `seconds`, all of it delivered. */
function consumerOf(seconds: number, dropPower: number[] = []): { consumer: ProfileConsumer; sent: number[] } {
  const sent = Array.from({ length: seconds }, (_, s) => START + s);
  const byTopic = new Map<string, number[]>([
    [`smartmeter/${METER}/power/power_in`, sent.filter((t) => !dropPower.includes(t))],
    // Each telegram repeats the latest gas capture (every whole 5 minutes), stamped with the capture time.
    [`smartmeter/${METER}/gas/gas_volume`, sent.map((t) => t - (t % 300))],
  ]);
  const consumer: ProfileConsumer = {
    client: {} as MqttClient,
    received: () => 0,
    lastArrival: () => 0,
    timestamps: (topic) => byTopic.get(topic) ?? [],
    topics: (prefix) => [...byTopic.keys()].filter((t) => t.startsWith(prefix)),
    statuses: () => [],
    close: async () => undefined,
  };
  return { consumer, sent };
}

describe('fleetVerdict', () => {
  it('counts nothing lost when every reading arrived over more than 5 minutes, the gas sub-meter on its own clock', () => {
    const { consumer, sent } = consumerOf(320);
    expect(fleetVerdict(consumer, new Map([[METER, sent]]), 'smartmeter', 1, DSMR_GAS_TOPIC).lost).toBe(0);
  });

  it('still counts a reading lost on a reading topic', () => {
    const { consumer, sent } = consumerOf(320, [START + 7, START + 301]);
    expect(fleetVerdict(consumer, new Map([[METER, sent]]), 'smartmeter', 1, DSMR_GAS_TOPIC).lost).toBe(2);
  });
});
