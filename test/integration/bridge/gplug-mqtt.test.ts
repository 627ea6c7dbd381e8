/**
 * The bridge service reading a gPlug (Tasmota with the gPlug smart-meter script) that publishes `tele/<topic>/SENSOR`
 * on the same real Mosquitto the bridge publishes its profile to, as in most homes: the periodic bundle and the
 * one-value immediate messages end up as the harmonized topics, and the bridge never reads its own output back.
 */
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { broker, cleanupList, recorder, startBridge, topicOf, waitFor } from './bridge-kit.ts';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

const DEVICE = 'gplug-e450';
/** The meter serial (SMid) the bundle carries: the meter ID, also of the immediate messages after it. */
const METER = '35012345';
/** Tasmota's clock is local time without an offset; with no zone configured the bridge reads a gPlug's in Swiss time. */
const at = (localTime: string) => Date.parse(`${localTime}+02:00`) / 1000;

// As the gPlug E450 script prints them: powers in kW with decimals, except an older script line with the phase
// power in W (a bare integer); energies in kWh, voltages in V, currents in A.
const BUNDLE = JSON.stringify({
  Time: '2026-06-15T19:00:05',
  z: {
    SMid: METER,
    Pi: 1.234,
    Po: 0.0,
    Ei: 12345.678,
    Ei1: 4567.123,
    Ei2: 7778.555,
    Eo: 2345.6,
    P1i: 512,
    U1: 231.2,
    I1: 2.51,
    Q5: 321.5, // quadrant I reactive energy: no row of the profile, so not published
  },
}).replace('"Po":0', '"Po":0.000');
const IMMEDIATE = JSON.stringify({ Time: '2026-06-15T19:00:07', z: { Pi: 1.198 } });

describe('bridge service: a gPlug on MQTT (Tasmota tele/<topic>/SENSOR with the `z` object)', () => {
  it('publishes the bundle and the immediate messages as the harmonized topics', async () => {
    const mosquitto = await broker(cleanup);
    const consumer = await recorder(cleanup, mosquitto.url, 'smartmeter/#');
    const bridge = await startBridge(cleanup, mosquitto.url, {
      sources: [{ type: 'mqtt', id: 'gplug', gateway: 'tasmota' }],
    });
    await waitFor(() => bridge.log.some((l) => l.includes('gplug: subscribed')), 'the gateway subscription');

    const gplug = await mqtt.connectAsync(mosquitto.url, { reconnectPeriod: 0 });
    cleanup.add(() => gplug.endAsync(true));
    await gplug.publishAsync(`tele/${DEVICE}/SENSOR`, BUNDLE);
    const powerIn = topicOf(METER, 'power/power_in');
    await waitFor(() => consumer.payloads(powerIn).length === 1, 'the bundle');
    await gplug.publishAsync(`tele/${DEVICE}/SENSOR`, IMMEDIATE);
    await waitFor(() => consumer.payloads(powerIn).length === 2, 'the immediate message');

    const bundleTime = at('2026-06-15T19:00:05');
    const expected: Record<string, [number, string]> = {
      'power/power_out': [0, 'W'],
      'energy/energy_in': [12_345_678, 'Wh'],
      'energy/energy_in_t1': [4_567_123, 'Wh'],
      'energy/energy_in_t2': [7_778_555, 'Wh'],
      'energy/energy_out': [2_345_600, 'Wh'],
      'power/power_in_l1': [512, 'W'],
      'voltage/voltage_l1': [231.2, 'V'],
      'current/current_l1': [2.51, 'A'],
    };
    for (const [quantity, [value, unit]] of Object.entries(expected)) {
      expect(consumer.lastJson(topicOf(METER, quantity)), quantity).toMatchObject({
        timestamp: bundleTime,
        value,
        unit,
      });
    }
    expect(consumer.payloads(powerIn).map((p) => JSON.parse(p) as unknown)).toEqual([
      { timestamp: bundleTime, value: 1234, unit: 'W', obis: '1-0:1.7.0' },
      { timestamp: at('2026-06-15T19:00:07'), value: 1198, unit: 'W', obis: '1-0:1.7.0' },
    ]);
    expect(consumer.payloads(topicOf(METER, 'status'))).toEqual(['online']);
    // The meter is named by its serial; the gPlug it came through stays visible as the source.
    expect(consumer.lastJson<{ meterId: string }>(topicOf(METER, 'info'))).toMatchObject({
      meterId: METER,
      source: `mqtt:tasmota/${DEVICE}`,
    });

    // Its own profile messages share the broker with the gPlug: none of them was read back as a meter.
    const { sources, meters } = bridge.service.snapshot()!;
    expect(sources[0]!.counters).toMatchObject({ framesOk: 2, otherErrors: 0 });
    expect(meters.map((m) => m.meterId)).toEqual([METER]);
  });

  it('says once, with the setting that fixes it, when a gPlug clock runs in another zone than it is read in', async () => {
    const mosquitto = await broker(cleanup);
    const bridge = await startBridge(cleanup, mosquitto.url, {
      sources: [{ type: 'mqtt', id: 'gplug', gateway: 'tasmota' }],
    });
    await waitFor(() => bridge.log.some((l) => l.includes('gplug: subscribed')), 'the gateway subscription');
    const gplug = await mqtt.connectAsync(mosquitto.url, { reconnectPeriod: 0 });
    cleanup.add(() => gplug.endAsync(true));
    // A Tasmota left on UTC: its "Time" is UTC without an offset, read as Swiss time (no zone configured).
    const utcNow = () => new Date().toISOString().slice(0, 19);
    for (let i = 0; i < 2; i++) {
      await gplug.publishAsync('tele/gplug-utc/SENSOR', JSON.stringify({ Time: utcNow(), z: { Pi: 0.5 } }), { qos: 1 });
    }
    await waitFor(() => bridge.service.snapshot()!.sources[0]!.counters.framesOk === 2, 'both messages');
    // Reported on the service's next tick, in one line for every meter noticed since.
    const warned = () => bridge.log.filter((l) => /^.*1 meter\(s\) with a clock off .*: gplug-utc \(/.test(l));
    await waitFor(() => warned().length > 0, 'the clock warning');
    expect(warned()).toHaveLength(1);
    expect(warned()[0]).toMatch(/gplug-utc \(\d h behind\).*set "timeZone" in the config/);
  });
});
