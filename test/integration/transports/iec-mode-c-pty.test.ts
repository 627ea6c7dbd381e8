/**
 * IEC 62056-21 mode C end to end on a socat pty pair: the real `simulate --meter iec-c` answers on one end, the
 * bridge's mode C source (real serialport binding) asks on the other, and the readouts reach the profile. The ptys
 * drop parity and 7 bits silently on a fresh open (GUIDE), so this shows the exchange and its timing, not the UART.
 */
import { afterEach, expect, it } from 'vitest';
import { serialMeterSource } from '../../../electron/core/transports/serial-meter-source.ts';
import type { SourceState } from '../../../electron/core/transports/byte-source.ts';
import { toDecodeLine } from '../../../shared/decode-line.ts';
import { createIecDecoder } from '../../../shared/protocols/iec62056-21/index.ts';
import { runCli, type CliProcess } from '../../helpers/cli-process.ts';
import { createPtyPair, type PtyPair } from '../../helpers/pty-pair.ts';
import { until } from '../../helpers/wait.ts';

let pair: PtyPair | undefined;
let meter: CliProcess | undefined;
let stop: (() => Promise<void>) | undefined;

afterEach(async () => {
  await stop?.();
  meter?.kill();
  await pair?.dispose();
});

it('reads the simulated mode C meter twice through the handshake and publishes its energy', async () => {
  pair = await createPtyPair();
  meter = runCli(['simulate', '--meter', 'iec-c', '--to', `serial:${pair.meter}`]);
  await until(() => meter!.stderr().includes('answering IEC 62056-21 mode C requests'), 'the simulator', 30_000);

  const source = serialMeterSource({
    port: pair.device,
    settings: 'auto',
    protocol: 'iec62056-21',
    mode: 'C',
    pollSeconds: 0.5,
  });
  const decoder = createIecDecoder();
  const lines: ReturnType<typeof toDecodeLine>[] = [];
  const states: SourceState[] = [];
  source.on('data', (chunk) => lines.push(...decoder.push(chunk).map(toDecodeLine)));
  source.on('state', (s) => states.push(s));
  source.start();
  stop = () => source.stop();

  await until(() => lines.length >= 2, 'two readouts', 30_000);
  for (const line of lines) {
    if ('error' in line) throw new Error(line.error.message);
    expect(line.meterId).toBe('27182818');
    expect(line.readings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ topic: 'smartmeter/27182818/energy/energy_in', unit: 'Wh', obis: '1-0:1.8.0' }),
        expect.objectContaining({ quantity: 'voltage_l1', unit: 'V' }),
      ]),
    );
  }
  expect(states.some((s) => s.detail?.includes('read at 9600 baud'))).toBe(true);
});
