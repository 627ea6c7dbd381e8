/**
 * Raw gateway traffic for the load tests and benches: many gPlug (Tasmota) devices and smartmeter-datacollector
 * meters, rendered by the project's simulator, each under its own ID, and a client that publishes them into a broker
 * at QoS 1 as fast as the broker acknowledges (a bounded window, so the driver never hides a slow broker in memory).
 */
import mqtt from 'mqtt';
import { Household, SIMULATED_METERS, type MqttMeter, type MqttOut } from '../../shared/simulator/index.ts';

/**
 * 2026-06-15 19:00:01 in Zurich: the evening peak, so every household draws power. One second past the quarter hour,
 * so no reading shares its timestamp with a sub-meter's own clock (DSMR gas is stamped on the 5-minute grid).
 */
export const TRAFFIC_START = Date.UTC(2026, 5, 15, 17, 0, 1) / 1000;

const gplug = SIMULATED_METERS.gplug!({}) as MqttMeter;
const datacollector = SIMULATED_METERS.datacollector!({}) as MqttMeter;

export const gplugId = (n: number): string => `gplug-${n}`;
export const datacollectorId = (n: number): string => `LGZ1030${String(n).padStart(9, '0')}`;

/** One outgoing raw message and the reading it belongs to (meter ID, meter-clock second). */
export interface GatewayMessage extends MqttOut {
  meterId: string;
  timestamp: number;
}

/** A meter of one gateway kind, rendering its messages for successive meter-clock seconds. */
export interface GatewayMeter {
  meterId: string;
  /** The raw messages of the reading at `second` seconds after TRAFFIC_START (later than any rendered before). */
  messagesAt(second: number): GatewayMessage[];
}

/** `meter` as another device: each `[from, to]` replaced in its topics and payloads. */
function renamed(meter: MqttMeter, meterId: string, renames: [string, string][], seed: number): GatewayMeter {
  const household = new Household(TRAFFIC_START, seed);
  const rename = (text: string) => renames.reduce((t, [from, to]) => t.replace(from, to), text);
  return {
    meterId,
    messagesAt(second) {
      const timestamp = TRAFFIC_START + second;
      return meter
        .render(household.at(timestamp), second)
        .map((m) => ({ topic: rename(m.topic), payload: rename(m.payload), meterId, timestamp }));
    },
  };
}

/** The simulated gPlug's device topic. */
const GPLUG_TOPIC = 'gPlug_SIM';

/** gPlug device `n`: the periodic bundle on `tele/gplug-<n>/SENSOR`, its SMid (the meter ID) `gplug-<n>` too. */
export const gplugMeter = (n: number): GatewayMeter =>
  renamed(
    gplug,
    gplugId(n),
    [
      [GPLUG_TOPIC, gplugId(n)],
      [gplug.serial, gplugId(n)],
    ],
    n + 1,
  );

/** smartmeter-datacollector meter `n`: one message per value on `smartmeter/<id>/<NAME>`. */
export const datacollectorMeter = (n: number): GatewayMeter =>
  renamed(datacollector, datacollectorId(n), [[datacollector.serial, datacollectorId(n)]], n + 1);

/**
 * gPlug device `n`'s immediate message (Tasmota sends one changed field at once): `{"Time":…,"z":{"Pi":…}}`, taken
 * from the simulated bundle so the clock and the kW notation are the simulator's.
 */
export function gplugImmediate(meter: GatewayMeter, second: number): GatewayMessage {
  const bundle = meter.messagesAt(second)[0]!;
  const time = /"Time":"[^"]+"/.exec(bundle.payload)![0];
  const power = /"Pi":[0-9.]+/.exec(bundle.payload)![0];
  return { ...bundle, payload: `{${time},"z":{${power}}}` };
}

/**
 * Messages of `meters` for `seconds` meter-clock seconds, interleaved second by second as gateways send them;
 * `render` picks what each meter sends per second (default: its whole reading).
 */
export function interleaved(
  meters: GatewayMeter[],
  seconds: number,
  render: (meter: GatewayMeter, second: number) => GatewayMessage[] = (m, s) => m.messagesAt(s),
): GatewayMessage[] {
  const out: GatewayMessage[] = [];
  for (let second = 0; second < seconds; second++) for (const m of meters) out.push(...render(m, second));
  return out;
}

export interface GatewayDriver {
  /** Publishes at QoS 1, at most `window` unacknowledged; resolves when the broker acknowledged every message. */
  publish(messages: readonly MqttOut[], window?: number): Promise<void>;
  close(): Promise<void>;
}

/** A gateway's MQTT client (MQTT 3.1.1, as Tasmota and the datacollector speak it). */
export async function gatewayDriver(url: string, clientId?: string): Promise<GatewayDriver> {
  const client = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, clientId });
  return {
    async publish(messages, window = 500) {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < messages.length) {
          const m = messages[next++]!;
          await client.publishAsync(m.topic, m.payload, { qos: 1 });
        }
      };
      await Promise.all(Array.from({ length: Math.min(window, messages.length) }, worker));
    },
    close: () => client.endAsync(),
  };
}

/**
 * Plays `perSecond[s]` during second s (1 Hz meters): each second's messages spread over slices of `sliceMs`, on an
 * absolute schedule (a slow broker delays the rest, never compresses the pace). Resolves after the last second.
 */
export async function playPaced(
  driver: GatewayDriver,
  perSecond: readonly (readonly MqttOut[])[],
  sliceMs = 50,
): Promise<void> {
  const slices = 1000 / sliceMs;
  const origin = performance.now();
  for (const [second, messages] of perSecond.entries()) {
    const size = Math.ceil(messages.length / slices);
    for (let slice = 0; slice < slices; slice++) {
      const due = origin + second * 1000 + slice * sliceMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await driver.publish(messages.slice(slice * size, (slice + 1) * size));
    }
  }
}
