/**
 * Plays a simulated IEC 62056-21 mode C meter on a serial port (one end of a socat pty pair, or a real adapter
 * looped to a reader): it waits for requests and answers them as the meter would, keeping the reaction time and
 * switching its rate for the data message and back.
 */
import { SerialPort } from 'serialport';
import { MODE_C_TIMING } from '../../../shared/protocols/iec62056-21/mode-c.ts';
import { ModeCMeter, type ModeCReply } from '../../../shared/protocols/iec62056-21/mode-c-meter.ts';
import type { WireMeter } from '../../../shared/simulator/index.ts';
import { simulatedHousehold, type SimulationOptions } from './run-simulation.ts';

export type ModeCSimulatedMeter = WireMeter & Required<Pick<WireMeter, 'modeC'>>;

export interface ModeCResponderOptions extends Omit<SimulationOptions, 'interval'> {
  /** The meter's reaction time before each answer; the standard's shortest by default. */
  reactionMs?: number;
}

/** Answers until `count` data messages went out or the signal aborts; returns how many did. */
export async function answerModeC(
  meter: ModeCSimulatedMeter,
  path: string,
  options: ModeCResponderOptions = {},
): Promise<number> {
  const household = simulatedHousehold(options);
  const reactionMs = options.reactionMs ?? MODE_C_TIMING.reactionMinMs;
  const side = new ModeCMeter({
    identification: meter.modeC.identification,
    dataMessage: () => meter.modeC.dataMessage(household()),
  });

  const port = new SerialPort({ path, ...meter.lineSettings, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  let answered = 0;
  let finished!: (error?: Error) => void;
  const done = new Promise<void>((resolve, reject) => (finished = (e) => (e ? reject(e) : resolve())));
  let queue = Promise.resolve();
  const answer = async (reply: ModeCReply): Promise<void> => {
    // A pty hands over the request at once; on a real line its last character arrives only after its transmission
    // time, and the reaction time counts from there. The reader relies on that gap to switch its rate.
    const onTheLine = (reply.requestLength * 10 * 1000) / meter.lineSettings.baudRate;
    await new Promise((resolve) => setTimeout(resolve, onTheLine + reactionMs));
    if (reply.baudRate !== meter.lineSettings.baudRate) await update(port, reply.baudRate);
    await write(port, reply.bytes);
    if (reply.thenBaudRate !== reply.baudRate) await update(port, reply.thenBaudRate);
    if (reply.kind === 'data') answered++;
    if (options.count !== undefined && answered >= options.count) finished();
  };
  port.on('data', (chunk: Buffer) => {
    for (const reply of side.receive(chunk)) queue = queue.then(() => answer(reply)).catch(finished);
  });
  // A vanished device (the pty pair removed) ends the run instead of crashing the process.
  port.on('error', (e) => finished(e));
  port.on('close', () => finished());
  const stop = (): void => finished();
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted) stop();
  try {
    await done;
    return answered;
  } finally {
    options.signal?.removeEventListener('abort', stop);
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}

function write(port: SerialPort, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) =>
    port.write(Buffer.from(bytes), (e) => (e ? reject(e) : port.drain((d) => (d ? reject(d) : resolve())))),
  );
}

function update(port: SerialPort, baudRate: number): Promise<void> {
  return new Promise((resolve, reject) => port.update({ baudRate }, (e) => (e ? reject(e) : resolve())));
}
