/**
 * The raw-MQTT gateway registry: configured gateways → the topic filters to subscribe, and one `read` that routes a
 * message to the converter whose topic it is, joins one-value messages into readings, and drops the bridge's own output.
 * A new gateway is one converter file plus one entry in CONVERTERS.
 */
import type { DecodeError, ObisMessage } from '../protocols/types.ts';
import {
  convertDatacollector,
  createDatacollectorGrouper,
  datacollectorFilters,
  type DatacollectorGrouper,
  type DatacollectorOptions,
} from './datacollector.ts';
import { isOwnTopic, type LoopGuardOptions } from './loop-guard.ts';
import { convertRlDsp, rlDspFilters, type RlDspReadOptions } from './rl-dsp.ts';
import { convertTasmota, tasmotaFilters, TasmotaMeterIds, type TasmotaOptions } from './tasmota.ts';
import { systemTimeZone, timeZoneError } from '../time.ts';
import type { ConvertResult, GatewayKind } from './types.ts';

export type GatewayConfig =
  | ({ kind: 'tasmota' } & TasmotaOptions)
  | ({
      kind: 'datacollector';
      quietMs?: number;
      maxMeters?: number;
      /** false: each value message is a reading of its own (translate mode: one push reaches several instances). */
      group?: boolean;
    } & DatacollectorOptions)
  | ({ kind: 'rl-dsp' } & RlDspReadOptions);

/** One outcome of a message; `device` (`<kind>/<meterId>`) keys the per-device counters. */
export type GatewayOutput =
  { ok: true; message: ObisMessage; device: string } | { ok: false; error: DecodeError; device: string };

export interface GatewayReader {
  /** Topic filters covering every configured gateway, without duplicates. */
  readonly filters: readonly string[];
  /**
   * The device a message came from and its outcomes (none yet while a datacollector reading is still being joined),
   * or null when no configured gateway claims the topic or it is the bridge's own output. Never throws.
   */
  read(topic: string, payload: Uint8Array, now: number): { device: string; outputs: GatewayOutput[] } | null;
  /** Joined readings that became complete by `now`. */
  flush(now: number): GatewayOutput[];
  /** Every pending reading (on shutdown: nothing accepted is lost). */
  flushAll(): GatewayOutput[];
  /** When `flush` next has something to return, or undefined. */
  nextFlushAt(): number | undefined;
}

interface ConverterEntry<K extends GatewayKind> {
  filters(config: Extract<GatewayConfig, { kind: K }>): string[];
  convert(topic: string, payload: Uint8Array, config: Extract<GatewayConfig, { kind: K }>): ConvertResult;
}

const CONVERTERS: { [K in GatewayKind]: ConverterEntry<K> } = {
  tasmota: { filters: tasmotaFilters, convert: convertTasmota },
  datacollector: { filters: datacollectorFilters, convert: convertDatacollector },
  'rl-dsp': { filters: rlDspFilters, convert: convertRlDsp },
};

const deviceKey = (kind: GatewayKind, meterId: string | undefined): string => `${kind}/${meterId ?? ''}`;

interface Route {
  kind: GatewayKind;
  convert(topic: string, payload: Uint8Array): ConvertResult;
  grouper?: DatacollectorGrouper;
}

/** gPlugs (the `z` sensor key) run on Swiss and Austrian meters: their Tasmota clock keeps Central European time. */
const GPLUG_TIME_ZONE = 'Europe/Zurich';

/** The zone a Tasmota clock is read in, decided once (not per message): configured, the gPlug's, else the system's. */
export function tasmotaTimeZone(config: TasmotaOptions): string {
  const gplug = (config.sensorKey ?? 'z') === 'z';
  return config.timeZone ?? (gplug ? GPLUG_TIME_ZONE : systemTimeZone());
}

function routeFor(gateway: GatewayConfig): Route & { filters: string[] } {
  const config =
    gateway.kind === 'tasmota'
      ? { ...gateway, timeZone: tasmotaTimeZone(gateway), meterIds: new TasmotaMeterIds() }
      : gateway;
  // The union narrows per kind in each entry; the generic lookup cannot see that, hence the one cast.
  const entry = CONVERTERS[config.kind] as ConverterEntry<GatewayKind>;
  return {
    kind: config.kind,
    filters: entry.filters(config),
    convert: (topic, payload) => entry.convert(topic, payload, config),
    ...(config.kind === 'datacollector' && config.group !== false
      ? { grouper: createDatacollectorGrouper({ quietMs: config.quietMs, maxMeters: config.maxMeters }) }
      : {}),
  };
}

/** Throws a TypeError naming the setting when a configured time zone is unknown (checked once, not per message). */
export function createGatewayReader(gateways: readonly GatewayConfig[], guard: LoopGuardOptions): GatewayReader {
  for (const gateway of gateways) {
    const zone = 'timeZone' in gateway ? gateway.timeZone : undefined;
    const problem = zone === undefined ? undefined : timeZoneError(zone);
    if (problem) throw new TypeError(`${gateway.kind} gateway: timeZone ${problem}`);
  }
  const routes = gateways.map(routeFor);
  const ok =
    (kind: GatewayKind) =>
    (message: ObisMessage): GatewayOutput => ({
      ok: true,
      message,
      device: deviceKey(kind, message.meterId),
    });
  const grouped = (collect: (grouper: DatacollectorGrouper) => ObisMessage[]): GatewayOutput[] =>
    routes.flatMap((route) => (route.grouper ? collect(route.grouper).map(ok(route.kind)) : []));

  return {
    filters: [...new Set(routes.flatMap((route) => route.filters))],
    read(topic, payload, now) {
      if (isOwnTopic(topic, guard)) return null;
      for (const route of routes) {
        const result = route.convert(topic, payload);
        if (result === null) continue;
        if ('error' in result) {
          const device = deviceKey(route.kind, result.meterId);
          return { device, outputs: [{ ok: false, error: result.error, device }] };
        }
        const outputs = route.grouper ? route.grouper.add(result, now).map(ok(route.kind)) : [ok(route.kind)(result)];
        return { device: deviceKey(route.kind, result.meterId), outputs };
      }
      return null;
    },
    flush: (now) => grouped((grouper) => grouper.flush(now)),
    flushAll: () => grouped((grouper) => grouper.flushAll()),
    nextFlushAt() {
      const times = routes.flatMap((route) => route.grouper?.nextFlushAt() ?? []);
      return times.length ? Math.min(...times) : undefined;
    },
  };
}

export type { ConvertResult, ConvertError, GatewayKind } from './types.ts';
export { ORIGIN_PROPERTY, hasOwnOrigin, isOwnTopic, type LoopGuardOptions } from './loop-guard.ts';
export { convertTasmota, tasmotaFilters, TASMOTA_FIELDS, type TasmotaOptions } from './tasmota.ts';
export {
  convertDatacollector,
  createDatacollectorGrouper,
  datacollectorFilters,
  DATACOLLECTOR_NAMES,
  type DatacollectorGrouper,
  type DatacollectorGrouperOptions,
  type DatacollectorOptions,
} from './datacollector.ts';
export { convertRlDsp, rlDspFilters, RL_DSP_REGISTERS, type RlDspReadOptions, type RlDspRegister } from './rl-dsp.ts';
