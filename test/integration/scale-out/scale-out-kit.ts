/**
 * What the scale-out test and bench share: `translate` instances as real processes, a fleet of simulated gPlugs
 * publishing raw Tasmota bundles at QoS 1, and a recorder of the profile's state bundles as a consumer sees them.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { runCli, type CliProcess } from '../../helpers/cli-process.ts';
import { until } from '../../helpers/wait.ts';

/** 2026-06-15 17:00:00 UTC; the instances read gateway clocks as UTC (--time-zone UTC). */
export const FLEET_START = Date.UTC(2026, 5, 15, 17, 0, 0) / 1000;

export const gatewayId = (n: number): string => `gplug-${n}`;
/** The meter serial gateway `n` sends as SMid: the meter ID its readings are published under. */
export const meterId = (n: number): string => `SM${n}`;

/** Starts `smartmeter-bridge translate` as instance `id` of group `scale`; `ready` resolves once it is subscribed. */
export function startTranslate(url: string, id: string, extra: string[] = []): CliProcess & { ready: Promise<void> } {
  const args = ['translate', '--broker', url, '--instance-id', id, '--group', 'scale', '--time-zone', 'UTC'];
  const cli = runCli([...args, '--health', 'off', '--stats-interval', '1', ...extra]);
  const ready = until(() => / INFO {2}ready$/mu.test(cli.stderr()), `translate ${id} ready`, 60_000);
  return { ...cli, ready };
}

/** A gPlug bundle for meter `n` at `second`: import energy rises by 1 Wh a second, so any reordering shows. */
export function bundle(n: number, second: number): string {
  const time = new Date((FLEET_START + second) * 1000).toISOString().slice(0, 19);
  const energy = (1000 * (n + 1) + second) / 1000;
  return JSON.stringify({ Time: time, z: { SMid: meterId(n), Pi: 0.4 + (second % 7) / 100, Ei: energy } });
}

export interface GatewayFleet {
  /** Publishes every gateway's bundle for `second` and resolves once the broker acknowledged them all. */
  publish(second: number): Promise<void>;
  close(): Promise<void>;
}

export async function gatewayFleet(url: string, count: number): Promise<GatewayFleet> {
  const client = await mqtt.connectAsync(url, { protocolVersion: 5, clientId: 'scale-gateways', reconnectPeriod: 500 });
  return {
    async publish(second) {
      const sends: Promise<unknown>[] = [];
      for (let n = 0; n < count; n++) {
        sends.push(client.publishAsync(`tele/${gatewayId(n)}/SENSOR`, bundle(n, second), { qos: 1 }));
      }
      await Promise.all(sends);
    },
    close: () => client.endAsync(),
  };
}

export interface Published {
  /** Meter-clock seconds (relative to FLEET_START) and Wh, in the order the consumer received them. */
  timestamp: number;
  energy: number;
}

export interface Recorder {
  /** Per meter: its state bundles, in arrival order. */
  state: Map<string, Published[]>;
  /** Per meter: the seconds of readings published late (on `<base>/<id>/late`). */
  late: Map<string, number[]>;
  /** Per instance id: its latest counters from `<base>/bridge/<id>/stats`. */
  stats: Map<string, Record<string, number>>;
  close(): Promise<void>;
}

export async function recorder(url: string): Promise<Recorder> {
  const state = new Map<string, Published[]>();
  const late = new Map<string, number[]>();
  const stats = new Map<string, Record<string, number>>();
  const client: MqttClient = await mqtt.connectAsync(url, { protocolVersion: 5, clientId: 'scale-consumer' });
  await client.subscribeAsync(['smartmeter/+/state', 'smartmeter/+/late', 'smartmeter/bridge/+/stats'], { qos: 1 });
  client.on('message', (topic, payload, packet) => {
    if (packet.retain) return; // earlier runs' leftovers: none on a fresh broker, but never counted
    const [, id, kind] = topic.split('/');
    const body = JSON.parse(payload.toString()) as Record<string, unknown>;
    if (id === 'bridge') stats.set(kind!, body as Record<string, number>);
    else if (kind === 'late') push(late, id!, (body.timestamp as number) - FLEET_START);
    else {
      const readings = body.readings as Record<string, { value: number }>;
      const energy = readings.energy_in?.value ?? NaN;
      push(state, id!, { timestamp: (body.timestamp as number) - FLEET_START, energy });
    }
  });
  return { state, late, stats, close: () => client.endAsync() };
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
