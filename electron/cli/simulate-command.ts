/** `smartmeter-bridge simulate`: a realistic meter for demos and tests, on stdout, a serial device, TCP or MQTT. */
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { SIMULATED_METERS, type SimulatedMeter } from '../../shared/simulator/index.ts';
import { STICKS } from '../../shared/protocols/wmbus/sticks/index.ts';
import { answerModeC, type ModeCSimulatedMeter } from '../core/simulator/mode-c-responder.ts';
import { runSimulation } from '../core/simulator/run-simulation.ts';
import { mqttSink, serialSink, streamSink, tcpSink, type MqttSink, type WireSink } from '../core/simulator/sinks.ts';
import { parseKey, parsePositive, parseStick, UsageError } from './args.ts';
import type { CliIo } from './io.ts';

export const SIMULATE_USAGE = `usage: smartmeter-bridge simulate --meter MODEL [--to TARGET] [--key HEX] [--auth-key HEX]
                                  [--interval S] [--count N] [--speed X] [--stick NAME]
       smartmeter-bridge simulate --list

Plays a meter with a plausible household behind it (a day curve, PV export at noon, counters that only rise).
  --meter     the model (--list shows them)
  --to        - (standard output, default), serial:PATH (e.g. one end of a socat pty pair), tcp:[HOST:]PORT
              (a server like ser2net; HOST defaults to 127.0.0.1), or an mqtt:// URL for MQTT gateways;
              a meter that answers requests (iec-c, IEC 62056-21 mode C) needs serial:PATH and --count counts answers
  --key, --auth-key  AES-128 keys (32 hex digits) for the encrypted models
  --interval  seconds between messages (default: the meter's own)
  --count     stop after N messages
  --speed     run the household's day X times faster than real time (e.g. 60)
  --stick     wireless M-Bus models: send as this USB stick does, im871a or amber (at its rate); raw (default):
              frames from their L-field on`;

async function openSink(target: string, meter: SimulatedMeter, stdout: Writable): Promise<WireSink | MqttSink> {
  if (/^(mqtts?|wss?):\/\//.test(target)) {
    if (meter.kind !== 'mqtt')
      throw new UsageError(`--to: ${meter.model} is a wire meter: send it to serial:, tcp: or -`);
    return mqttSink(target);
  }
  if (meter.kind !== 'wire') throw new UsageError(`--to: ${meter.model} publishes on MQTT: give an mqtt:// URL`);
  if (target === '-') return streamSink(stdout);
  if (target.startsWith('serial:')) return serialSink(target.slice('serial:'.length), meter.lineSettings);
  const tcp = /^tcp:(?:(.+):)?(\d{1,5})$/.exec(target);
  if (tcp && Number(tcp[2]) > 65535) throw new UsageError(`--to: a TCP port is at most 65535, got ${tcp[2]}`);
  if (tcp) return tcpSink(tcp[1] ?? '127.0.0.1', Number(tcp[2]));
  throw new UsageError(`--to: expected -, serial:PATH, tcp:[HOST:]PORT or an mqtt:// URL, got '${target}'`);
}

/** A wireless M-Bus meter as a USB stick passes its telegrams on: in the stick's framing, at the stick's rate. */
function behindStick(meter: SimulatedMeter, name: string): SimulatedMeter {
  if (meter.kind !== 'wire' || meter.protocol !== 'wmbus') {
    throw new UsageError(`--stick: only for the wireless M-Bus models, not ${meter.model}`);
  }
  const stick = STICKS[parseStick(name)];
  return {
    ...meter,
    lineSettings: { ...meter.lineSettings, baudRate: stick.baudRate },
    render: (state, sequence) => stick.wrap(meter.render(state, sequence)),
  };
}

/** A mode C meter speaks only when asked: it listens on a serial port instead of pushing to a sink. */
async function answerRequests(
  meter: ModeCSimulatedMeter,
  values: { to: string; count?: string; speed?: string },
  io: CliIo,
): Promise<number> {
  if (!values.to.startsWith('serial:')) {
    throw new UsageError(`--to: ${meter.model} answers requests on a serial port: give serial:PATH`);
  }
  const path = values.to.slice('serial:'.length);
  const count = parsePositive('count', values.count);
  io.err(`simulating ${meter.model} (${meter.serial}) on ${path}, answering IEC 62056-21 mode C requests`);
  await answerModeC(meter, path, {
    count: count === undefined ? undefined : Math.ceil(count),
    speed: parsePositive('speed', values.speed),
    signal: io.signal,
  });
  return 0;
}

export async function simulateCommand(args: string[], io: CliIo): Promise<number> {
  try {
    const { values } = parseArgs({
      args,
      options: {
        meter: { type: 'string' },
        to: { type: 'string', default: '-' },
        key: { type: 'string' },
        'auth-key': { type: 'string' },
        interval: { type: 'string' },
        count: { type: 'string' },
        speed: { type: 'string' },
        list: { type: 'boolean', default: false },
        stick: { type: 'string' },
      },
    });
    if (values.list) {
      const keys = { key: new Uint8Array(16) };
      for (const [name, make] of Object.entries(SIMULATED_METERS))
        io.out(`${name.padEnd(16)} ${make(keys).description}`);
      return 0;
    }
    if (!values.meter) throw new UsageError('--meter is required (--list shows the models)');
    const make = SIMULATED_METERS[values.meter];
    if (!make)
      throw new UsageError(`--meter: unknown model '${values.meter}' (${Object.keys(SIMULATED_METERS).join(', ')})`);
    let meter: SimulatedMeter;
    try {
      meter = make({ key: parseKey('key', values.key), authKey: parseKey('auth-key', values['auth-key']) });
    } catch (e) {
      throw e instanceof RangeError ? new UsageError(e.message) : e;
    }
    if (values.stick !== undefined) meter = behindStick(meter, values.stick);
    const count = parsePositive('count', values.count);
    if (meter.kind === 'wire' && meter.modeC) return await answerRequests({ ...meter, modeC: meter.modeC }, values, io);
    // Every option is checked before the sink opens: a usage error never follows "simulating ... on ...".
    const timing = {
      interval: parsePositive('interval', values.interval),
      count: count === undefined ? undefined : Math.ceil(count),
      speed: parsePositive('speed', values.speed),
    };
    const sink = await openSink(values.to, meter, io.stdout);
    io.err(`simulating ${meter.model} (${meter.serial}) on ${sink.describe}`);
    try {
      await runSimulation(meter, sink, { ...timing, signal: io.signal });
    } finally {
      await sink.close();
    }
    return 0;
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`simulate: ${(e as Error).message}\n${SIMULATE_USAGE}`);
      return 2;
    }
    io.err(`simulate: ${(e as Error).message}`);
    return 1;
  }
}
