/**
 * A fleet of DSMR 5 meters behind TCP bridges (like ser2net), for the load tests and benches: the simulator's DSMR 5
 * telegram, each meter under its own equipment and gas IDs, one telegram per meter per interval, spread evenly over
 * the interval as independent meters are. Every meter's clock advances one second per telegram, so each reading has
 * its own timestamp and arrivals can be matched one to one.
 */
import { tcpSink, type WireSink } from '../../electron/core/simulator/sinks.ts';
import { crc16, formatCrc } from '../../shared/protocols/dsmr/crc16.ts';
import { encodeHexAscii } from '../../shared/protocols/dsmr/encode.ts';
import { Household, SIMULATED_METERS, type WireMeter } from '../../shared/simulator/index.ts';
import { TRAFFIC_START } from './gateway-traffic.ts';
import { freePort } from './mosquitto.ts';

const dsmr5 = SIMULATED_METERS.dsmr5!({}) as WireMeter;
const GAS_SERIAL = 'G0026000000054321';
const latin1 = new TextDecoder('latin1');

/** The gas sub-meter's topic: its value carries the gas capture time (every 5 minutes), not the telegram's. */
export const DSMR_GAS_TOPIC = /\/gas\/gas_volume$/;

export const dsmrMeterId = (n: number): string => `E00260000${String(n).padStart(8, '0')}`;

/** The simulator's telegram with meter `n`'s IDs (same lengths) and the CRC computed again. */
function renumbered(telegram: Uint8Array, n: number): Uint8Array {
  const text = latin1
    .decode(telegram)
    .replace(encodeHexAscii(dsmr5.serial), encodeHexAscii(dsmrMeterId(n)))
    .replace(encodeHexAscii(GAS_SERIAL), encodeHexAscii(`G00260000${String(n).padStart(8, '0')}`));
  const body = Uint8Array.from(text.slice(0, text.lastIndexOf('!') + 1), (c) => c.charCodeAt(0));
  return Uint8Array.from(`${latin1.decode(body)}${formatCrc(crc16(body))}\r\n`, (c) => c.charCodeAt(0));
}

export interface DsmrFleet {
  /** The TCP port of meter `n` (0-based). */
  ports: number[];
  /** The bridge's source entries for the fleet (ids m0, m1, ...). */
  sources: { type: 'tcp'; id: string; host: string; port: number }[];
  /** Reading timestamps each meter sent so far, by meter ID, in order. */
  sent: Map<string, number[]>;
  /** Starts sending; a second call does nothing. */
  play(): void;
  /** Stops sending (pending telegrams are not sent). */
  pause(): void;
  close(): Promise<void>;
}

export async function dsmrFleet(count: number, intervalMs = 1000): Promise<DsmrFleet> {
  const sinks: WireSink[] = [];
  const ports: number[] = [];
  for (let n = 0; n < count; n++) {
    const port = await freePort();
    sinks.push(await tcpSink('127.0.0.1', port));
    ports.push(port);
  }
  const households = Array.from({ length: count }, (_, n) => new Household(TRAFFIC_START, n + 1));
  const sent = new Map(Array.from({ length: count }, (_, n) => [dsmrMeterId(n), [] as number[]]));
  const next = new Array<number>(count).fill(0);
  let timer: NodeJS.Timeout | undefined;
  let origin = 0;

  const tick = (): void => {
    const elapsed = performance.now() - origin;
    for (let n = 0; n < count; n++) {
      // Meter n sends its k-th telegram at k intervals plus its own offset within the interval.
      while (next[n]! * intervalMs + (n * intervalMs) / count <= elapsed) {
        const second = next[n]!++;
        const timestamp = TRAFFIC_START + second;
        void sinks[n]!.write(renumbered(dsmr5.render(households[n]!.at(timestamp), second), n));
        sent.get(dsmrMeterId(n))!.push(timestamp);
      }
    }
  };
  return {
    ports,
    sources: ports.map((port, n) => ({ type: 'tcp', id: `m${n}`, host: '127.0.0.1', port })),
    sent,
    play() {
      if (timer) return;
      // Resumes where each meter left off: the time paused is skipped, not caught up with a burst.
      origin = performance.now() - Math.min(...next) * intervalMs;
      timer = setInterval(tick, Math.max(5, Math.min(50, intervalMs / count)));
    },
    pause() {
      clearInterval(timer);
      timer = undefined;
    },
    async close() {
      clearInterval(timer);
      await Promise.all(sinks.map((s) => s.close()));
    },
  };
}
