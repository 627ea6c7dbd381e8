/**
 * A Node-RED flow to import (Menu > Import): one broker config node and, per meter, an `mqtt in` node on the meter's
 * state topic (all its latest readings as one JSON object) wired to a debug node, ready to be wired onwards.
 */
import { profileTopics } from '../profile/topics.ts';
import { brokerAddress } from './broker-address.ts';
import type { IntegrationInput, Snippet } from './types.ts';

/** Stable node ids (topic ids are letters, digits, `_`, `-`), so a second import replaces rather than duplicates. */
const nodeId = (text: string) => `smartmeter-${text.replace(/ /g, '-')}`;

export function nodeRedFlow(input: IntegrationInput): Snippet {
  const broker = brokerAddress(input.brokerUrl);
  const topics = profileTopics(input.baseTopic);
  const brokerId = nodeId('broker');
  const tab = nodeId('flow');
  const nodes: Record<string, unknown>[] = [
    { id: tab, type: 'tab', label: 'Smart meters' },
    {
      id: brokerId,
      type: 'mqtt-broker',
      name: 'Smartmeter Bridge',
      broker: broker.host,
      port: String(broker.port),
      usetls: broker.tls,
      protocolVersion: '4',
      clientid: '',
      autoConnect: true,
    },
  ];
  input.meters.forEach((m, i) => {
    const inId = nodeId(`in ${m.topicId}`);
    const debugId = nodeId(`debug ${m.topicId}`);
    nodes.push(
      {
        id: inId,
        type: 'mqtt in',
        z: tab,
        name: m.topicId,
        topic: topics.meter(m.topicId).state,
        qos: '1',
        datatype: 'json',
        broker: brokerId,
        x: 160,
        y: 60 + 60 * i,
        wires: [[debugId]],
      },
      {
        id: debugId,
        type: 'debug',
        z: tab,
        name: `${m.topicId} readings`,
        active: true,
        complete: 'payload.readings',
        targetType: 'msg',
        x: 420,
        y: 60 + 60 * i,
        wires: [],
      },
    );
  });
  return { id: 'node-red', fileName: 'smartmeter-flow.json', text: `${JSON.stringify(nodes, null, 2)}\n` };
}
