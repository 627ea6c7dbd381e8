/** Home Assistant discovery shared by translate instances through the retained discovery topics (unit test). */
import { describe, expect, it } from 'vitest';
import { HaAnnouncer } from '../../../electron/core/translate/ha-announcer.ts';
import { harmonize, meterInfoPayload } from '../../../shared/profile/index.ts';
import type { ObisMessage } from '../../../shared/protocols/types.ts';

const message = (values: [string, number, string][]): ObisMessage => ({
  protocol: 'mqtt',
  meterId: 'SM1',
  values: values.map(([obis, value, unit]) => ({ obis, value, unit })),
  info: { transport: 'tasmota' },
});
const reading = (values: [string, number, string][]) => harmonize(message(values));
const info = meterInfoPayload(message([]), { source: 'mqtt:tasmota' });
const power = reading([['1-0:1.7.0', 400, 'W']]);
const bundle = reading([
  ['1-0:1.7.0', 400, 'W'],
  ['1-0:1.8.0', 1000, 'Wh'],
]);
const options = { baseTopic: 'smartmeter', prefix: 'homeassistant', version: '1' };

describe('HaAnnouncer', () => {
  it('announces a meter once, and again only for components the retained topic lacks', () => {
    const one = new HaAnnouncer(options);
    const first = one.announce(info, bundle)!;
    expect(first.topic).toBe('homeassistant/device/smartmeter_SM1/config');
    expect(one.announce(info, bundle)).toBeUndefined();
    expect(one.announce(info, power)).toBeUndefined();

    // Another instance read the first one's message: it announces nothing for the same components.
    const other = new HaAnnouncer(options);
    expect(other.learn(first.topic, Buffer.from(first.payload))).toBe(true);
    expect(other.announce(info, power)).toBeUndefined();
    expect(other.announce(info, bundle)).toBeUndefined();
  });

  it('never takes a component away: a partial reading is announced together with what the topic holds', () => {
    const one = new HaAnnouncer(options);
    const partial = one.announce(info, power)!;
    const other = new HaAnnouncer(options);
    other.learn(partial.topic, Buffer.from(partial.payload));
    const grown = JSON.parse(other.announce(info, bundle)!.payload) as { cmps: object };
    expect(Object.keys(grown.cmps).sort()).toEqual(['energy_in', 'power_in']);
    // An instance whose announcement was overwritten by a smaller one announces what went missing again.
    one.learn(partial.topic, Buffer.from(JSON.stringify({ cmps: {} })));
    expect(one.announce(info, power)).toBeDefined();
  });

  it("ignores other bases' devices, foreign components and bad payloads; an emptied topic is announced again", () => {
    const one = new HaAnnouncer(options);
    const first = one.announce(info, bundle)!;
    expect(one.learn('homeassistant/device/zigbee2mqtt_lamp/config', Buffer.from('{}'))).toBe(false);
    expect(one.learn('smartmeter/SM1/state', Buffer.from('{}'))).toBe(false);
    for (const bad of ['not json', '{"cmps":{"x":{"p":"switch"}}}', '[]'])
      expect(one.learn(first.topic, Buffer.from(bad))).toBe(true);
    expect(one.announce(info, bundle)).toBeUndefined();
    one.learn(first.topic, Buffer.alloc(0));
    expect(one.announce(info, bundle)).toBeDefined();
  });
});
