import { describe, expect, it } from 'vitest';
import { integrationSnippets, type IntegrationInput } from '../../../shared/integrations/index.ts';
import { grafanaDashboard } from '../../../shared/integrations/grafana.ts';
import { homeAssistantSnippet } from '../../../shared/integrations/home-assistant.ts';
import { nodeRedFlow } from '../../../shared/integrations/node-red.ts';
import { openhabItems, openhabThings } from '../../../shared/integrations/openhab.ts';
import { telegrafConfig } from '../../../shared/integrations/telegraf.ts';

const input: IntegrationInput = {
  baseTopic: 'home/meters',
  brokerUrl: 'mqtt://192.0.2.10:1884',
  haPrefix: 'homeassistant',
  meters: [
    {
      meterId: 'LGZ1030655933512',
      topicId: 'house',
      readings: [
        { quantity: 'power_in', topic: 'power/power_in', unit: 'W' },
        { quantity: 'power_in_l1', topic: 'power/power_in_l1', unit: 'W' },
        { quantity: 'energy_in', topic: 'energy/energy_in', unit: 'Wh' },
        { quantity: 'voltage_l1', topic: 'voltage/voltage_l1', unit: 'V' },
      ],
    },
    {
      meterId: '12345678',
      topicId: 'garage',
      readings: [{ quantity: 'power_out', topic: 'power/power_out', unit: 'W' }],
    },
  ],
};

describe('integration snippets', () => {
  it('gives one snippet per tool, each non-empty', () => {
    const snippets = integrationSnippets(input);
    expect(snippets.map((s) => s.id)).toEqual([
      'home-assistant',
      'openhab-things',
      'openhab-items',
      'node-red',
      'telegraf',
      'grafana',
    ]);
    for (const s of snippets) expect(s.text.length).toBeGreaterThan(20);
  });

  it('Home Assistant: names each device discovery topic, or says how to turn discovery on', () => {
    expect(homeAssistantSnippet(input).text).toContain('homeassistant/device/home_meters-');
    expect(homeAssistantSnippet(input).text).toContain('_LGZ1030655933512/config');
    expect(homeAssistantSnippet({ ...input, haPrefix: undefined }).text).toContain('enabled: true');
  });

  it('openHAB: a broker bridge at the bridge broker, a thing per meter on the profile topics, items linked to them', () => {
    const things = openhabThings(input).text;
    expect(things).toContain('Bridge mqtt:broker:smartmeter "Smartmeter Bridge broker" [ host="192.0.2.10", port=1884');
    expect(things).toContain('Thing mqtt:topic:smartmeter:house ');
    expect(things).toContain(
      'Type number : power_in "power_in" [ stateTopic="home/meters/house/power/power_in", transformationPattern="JSONPATH:$.value", unit="W" ]',
    );
    expect(things).toContain('stateTopic="home/meters/garage/power/power_out"');
    expect(things).toContain('stateTopic="home/meters/house/status", on="online", off="offline"');
    const items = openhabItems(input).text;
    expect(items).toContain('Number:Power Smartmeter_house_power_in_l1 ');
    expect(items).toContain('{ channel="mqtt:topic:smartmeter:house:power_in_l1" }');
    expect(items).toContain('Number:Energy Smartmeter_house_energy_in ');
    expect(items).toContain('Number:ElectricPotential Smartmeter_house_voltage_l1 ');
  });

  it('Node-RED: parses as a flow with an mqtt-in node per meter on its state topic, wired to the broker', () => {
    const flow = JSON.parse(nodeRedFlow(input).text) as { id: string; type: string; topic?: string; broker?: string }[];
    const broker = flow.find((n) => n.type === 'mqtt-broker') as unknown as {
      id: string;
      broker: string;
      port: string;
    };
    expect(broker).toMatchObject({ broker: '192.0.2.10', port: '1884' });
    const ins = flow.filter((n) => n.type === 'mqtt in');
    expect(ins.map((n) => n.topic)).toEqual(['home/meters/house/state', 'home/meters/garage/state']);
    expect(ins.every((n) => n.broker === broker.id)).toBe(true);
    expect(new Set(flow.map((n) => n.id)).size).toBe(flow.length);
  });

  it('Telegraf: subscribes to the value topics under the base and takes meter and quantity from their levels', () => {
    const conf = telegrafConfig(input).text;
    expect(conf).toContain('servers = ["tcp://192.0.2.10:1884"]');
    expect(conf).toContain('topics = ["home/meters/+/+/+"]');
    expect(conf).toContain('tags = "_/_/meter/_/quantity"');
    expect(conf).toContain('[[outputs.influxdb_v2]]');
    expect(telegrafConfig({ ...input, brokerUrl: 'mqtts://broker.lan' }).text).toContain('ssl://broker.lan:8883');
  });

  it('Grafana: parses as a dashboard with power, per-phase and energy panels for the live meters', () => {
    const dashboard = JSON.parse(grafanaDashboard(input).text) as {
      panels: { title: string; targets: { query: string }[] }[];
      templating: { list: { name: string; query: string }[] };
    };
    expect(dashboard.panels.map((p) => p.title)).toEqual(['Power import / export', 'Power per phase', 'Energy']);
    expect(dashboard.templating.list[0]).toMatchObject({ name: 'meter', query: 'house,garage' });
    expect(dashboard.panels[0]!.targets[0]!.query).toContain('r.meter == "${meter}"');
    expect(dashboard.panels[0]!.targets[0]!.query).toContain('power_in|power_out');
  });

  it('works with no meters yet', () => {
    const empty = integrationSnippets({ ...input, meters: [] });
    expect(JSON.parse(empty.find((s) => s.id === 'node-red')!.text)).toHaveLength(2);
    expect(JSON.parse(empty.find((s) => s.id === 'grafana')!.text)).toHaveProperty('panels');
  });
});
