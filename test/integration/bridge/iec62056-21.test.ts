/**
 * The bridge service reading IEC 62056-21 meters, end to end with real parts: the configured source on one end of a
 * socat pty pair (real serialport binding), the simulated meter on the other (pushing in mode D, answering in mode C),
 * a real Mosquitto, and a consumer of the harmonized profile.
 */
import { afterEach, expect, it } from 'vitest';
import { answerModeC, type ModeCSimulatedMeter } from '../../../electron/core/simulator/mode-c-responder.ts';
import { runSimulation } from '../../../electron/core/simulator/run-simulation.ts';
import { serialSink } from '../../../electron/core/simulator/sinks.ts';
import { SIMULATED_METERS, type WireMeter } from '../../../shared/simulator/index.ts';
import { createPtyPair } from '../../helpers/pty-pair.ts';
import { broker, cleanupList, recorder, startBridge, topicOf, waitFor } from './bridge-kit.ts';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

const meter = SIMULATED_METERS['iec-c']!({}) as ModeCSimulatedMeter;
const pusher = SIMULATED_METERS['iec-d']!({}) as WireMeter;

it('listens to a mode D meter with nothing but protocol: iec62056-21 and publishes its readouts', async () => {
  const mosquitto = await broker(cleanup);
  const pair = await createPtyPair();
  cleanup.add(() => pair.dispose());
  const consumer = await recorder(cleanup, mosquitto.url, 'smartmeter/#');
  const source = { type: 'serial', id: 'd0', port: pair.device, protocol: 'iec62056-21' };
  const bridge = await startBridge(cleanup, mosquitto.url, { sources: [source] });
  await waitFor(() => bridge.service.snapshot()!.sources[0]!.state.state === 'open', 'the port to open');
  const sink = await serialSink(pair.meter, pusher.lineSettings);
  const stopMeter = new AbortController();
  const pushing = runSimulation(pusher, sink, { interval: 0.2, signal: stopMeter.signal });
  cleanup.add(async () => (stopMeter.abort(), await pushing, await sink.close()));

  const power = topicOf(pusher.serial, 'power/power_in');
  await waitFor(() => consumer.payloads(power).length >= 2, 'two readouts published');
  expect(consumer.lastJson(power)).toMatchObject({ unit: 'W', obis: '1-0:1.7.0' });
  expect(bridge.service.snapshot()!.sources[0]!.state).toMatchObject({ detail: expect.stringContaining('2400 7E1') });
});

it('polls the meter as configured and publishes its short-address readout as the profile', async () => {
  const mosquitto = await broker(cleanup);
  const pair = await createPtyPair();
  cleanup.add(() => pair.dispose());
  const stopMeter = new AbortController();
  const answered = answerModeC(meter, pair.meter, { signal: stopMeter.signal });
  cleanup.add(() => (stopMeter.abort(), answered));
  const consumer = await recorder(cleanup, mosquitto.url, 'smartmeter/#');
  const source = { type: 'serial', id: 'd0', port: pair.device, protocol: 'iec62056-21', mode: 'C', pollSeconds: 1 };
  const bridge = await startBridge(cleanup, mosquitto.url, { sources: [source] });

  const energy = topicOf(meter.serial, 'energy/energy_in');
  await waitFor(() => consumer.payloads(energy).length >= 2, 'two polls published', 30_000);
  expect(consumer.payloads(topicOf(meter.serial, 'status'))).toEqual(['online']);
  expect(consumer.lastJson(energy)).toMatchObject({ unit: 'Wh', obis: '1-0:1.8.0' });
  expect(consumer.lastJson(topicOf(meter.serial, 'voltage/voltage_l1'))).toMatchObject({
    unit: 'V',
    obis: '1-0:32.7.0',
  });
  expect(bridge.service.snapshot()!.sources[0]).toMatchObject({
    state: { state: 'open', detail: expect.stringContaining('read at 9600 baud') },
    counters: { framesOk: expect.any(Number), crcErrors: 0, otherErrors: 0 },
  });
});
