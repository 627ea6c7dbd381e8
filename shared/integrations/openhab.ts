/**
 * openHAB's MQTT binding as text configuration: a broker Bridge with one generic MQTT Thing per meter (a Number
 * channel per reading, its value taken from the JSON payload) and the Items linked to those channels.
 */
import { profileTopics } from '../profile/topics.ts';
import { brokerAddress } from './broker-address.ts';
import type { IntegrationInput, IntegrationMeter, Snippet } from './types.ts';

/** Profile unit → openHAB quantity type; units without one become plain Numbers. */
const DIMENSIONS: Readonly<Record<string, string>> = {
  W: 'Power',
  Wh: 'Energy',
  kWh: 'Energy',
  V: 'ElectricPotential',
  A: 'ElectricCurrent',
  Hz: 'Frequency',
  m3: 'Volume',
  '°C': 'Temperature',
  K: 'Temperature',
};

/** openHAB UIDs and item names allow letters, digits and `_` (and `-` in UIDs only). */
const uidPart = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, '_');
const itemPart = (text: string) => text.replace(/[^A-Za-z0-9_]/g, '_');

export const OPENHAB_BRIDGE = 'mqtt:broker:smartmeter';

function channelId(reading: { topic: string }): string {
  return uidPart(reading.topic.slice(reading.topic.lastIndexOf('/') + 1));
}

function thing(input: IntegrationInput, meter: IntegrationMeter): string {
  const topics = profileTopics(input.baseTopic).meter(meter.topicId);
  const channels = meter.readings.map((r) => {
    return `    Type number : ${channelId(r)} "${r.quantity}" [ stateTopic="${topics.value(r.topic)}", transformationPattern="JSONPATH:$.value", unit="${r.unit.replace('m3', 'm³')}" ]`;
  });
  return [
    `Thing mqtt:topic:smartmeter:${uidPart(meter.topicId)} "Smart meter ${meter.topicId}" (${OPENHAB_BRIDGE}) {`,
    '  Channels:',
    `    Type switch : online "Online" [ stateTopic="${topics.status}", on="online", off="offline" ]`,
    ...channels,
    '}',
  ].join('\n');
}

export function openhabThings(input: IntegrationInput): Snippet {
  const broker = brokerAddress(input.brokerUrl);
  const bridge = `Bridge ${OPENHAB_BRIDGE} "Smartmeter Bridge broker" [ host="${broker.host}", port=${broker.port}, secure=${broker.tls} ]`;
  const text = [`${bridge}\n`, ...input.meters.map((m) => thing(input, m))].join('\n');
  return { id: 'openhab-things', fileName: 'smartmeter.things', text: `${text}\n` };
}

export function openhabItems(input: IntegrationInput): Snippet {
  const lines = input.meters.flatMap((m) => {
    const thingUid = `mqtt:topic:smartmeter:${uidPart(m.topicId)}`;
    const prefix = `Smartmeter_${itemPart(m.topicId)}`;
    return [
      `Switch ${prefix}_online "${m.topicId} online" { channel="${thingUid}:online" }`,
      ...m.readings.map((r) => {
        const dimension = DIMENSIONS[r.unit];
        const type = dimension ? `Number:${dimension}` : 'Number';
        return `${type} ${prefix}_${itemPart(channelId(r))} "${r.quantity} [%.1f %unit%]" { channel="${thingUid}:${channelId(r)}" }`;
      }),
    ];
  });
  return { id: 'openhab-items', fileName: 'smartmeter.items', text: `${lines.join('\n')}\n` };
}
