/**
 * Tasmota's self-descriptions, validated: the HTTP `Status 0` answer, the retained `tasmota/discovery/<MAC>/config`
 * and `/sensors`, and `tele/<topic>/INFO1..3`. Every member is optional and a member of the wrong type is dropped
 * rather than failing the whole payload: firmware versions differ, and one odd field must not hide a device.
 */
import { z } from 'zod';
import { findMeterObject } from './meter-object.ts';
import { clip, normalizeIp, normalizeMac } from './text.ts';
import type { DeviceFacts } from './types.ts';

const text = z.string().transform(clip).optional().catch(undefined);
const mac = z.string().transform(normalizeMac).optional().catch(undefined);
const ip = z.string().transform(normalizeIp).optional().catch(undefined);
const port = z.number().int().min(1).max(65535).optional().catch(undefined);
const section = <T extends z.ZodRawShape>(shape: T) => z.object(shape).optional().catch(undefined);
const names = z
  .array(z.unknown())
  .transform((list) => list.find((name): name is string => typeof name === 'string' && name !== ''))
  .transform((name) => (name === undefined ? undefined : clip(name)))
  .optional()
  .catch(undefined);

const status0Schema = z.object({
  Status: section({ DeviceName: text, FriendlyName: names, Topic: text }),
  StatusFWR: section({ Version: text, Hardware: text }),
  StatusNET: section({ Hostname: text, IPAddress: ip, Mac: mac }),
  StatusMQT: section({ MqttHost: text, MqttPort: port }),
  StatusSNS: z.unknown().optional(),
});

/** Drops undefined members, so merged facts never overwrite a known value with nothing. */
function defined(facts: DeviceFacts): DeviceFacts {
  return Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined)) as DeviceFacts;
}

/** The device facts in a `Status 0` answer, or undefined when it is not one (no Status/StatusFWR/StatusNET section). */
export function readStatus0(json: unknown): DeviceFacts | undefined {
  const parsed = status0Schema.safeParse(json);
  if (!parsed.success) return undefined;
  const { Status, StatusFWR, StatusNET, StatusMQT, StatusSNS } = parsed.data;
  if (!Status?.Topic && !StatusFWR?.Version && !StatusNET?.Mac) return undefined;
  return defined({
    name: Status?.DeviceName ?? Status?.FriendlyName,
    topic: Status?.Topic,
    firmware: StatusFWR?.Version,
    model: StatusFWR?.Hardware,
    hostname: StatusNET?.Hostname,
    ip: StatusNET?.IPAddress,
    mac: StatusNET?.Mac,
    mqttHost: StatusMQT?.MqttHost,
    mqttPort: StatusMQT?.MqttPort,
    meter: findMeterObject(StatusSNS),
  });
}

const discoveryConfigSchema = z.object({
  ip,
  dn: text,
  fn: names,
  hn: text,
  mac,
  md: text,
  sw: text,
  t: text,
});

/** `tasmota/discovery/<MAC>/config`; the MAC of the topic counts when the payload has none. */
export function readDiscoveryConfig(json: unknown, topicMac: string | undefined): DeviceFacts | undefined {
  const parsed = discoveryConfigSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const d = parsed.data;
  const facts = defined({
    ip: d.ip,
    name: d.dn ?? d.fn,
    hostname: d.hn,
    mac: d.mac ?? topicMac,
    model: d.md,
    firmware: d.sw,
    topic: d.t,
  });
  return facts.mac || facts.topic ? facts : undefined;
}

/** `tasmota/discovery/<MAC>/sensors`: `{"sn":{…SENSOR…},"ver":1}`. */
export function readDiscoverySensors(json: unknown, topicMac: string | undefined): DeviceFacts | undefined {
  const sensors = z.object({ sn: z.unknown() }).safeParse(json);
  if (!sensors.success || !topicMac) return undefined;
  const meter = findMeterObject(sensors.data.sn);
  return defined({ mac: topicMac, meter });
}

const infoSchema = z.object({ Module: text, Version: text, Hostname: text, IPAddress: ip });

/** `INFO1..3`: `{"Info1":{…}}` since Tasmota 9, flat before; Module and Version (1), Hostname and IPAddress (2). */
export function readInfo(json: unknown, n: 1 | 2 | 3): DeviceFacts | undefined {
  const nested = z.object({ [`Info${n}`]: z.unknown() }).safeParse(json);
  const parsed = infoSchema.safeParse(nested.success ? nested.data[`Info${n}`] : json);
  if (!parsed.success) return undefined;
  const i = parsed.data;
  return defined({ model: i.Module, firmware: i.Version, hostname: i.Hostname, ip: i.IPAddress });
}
