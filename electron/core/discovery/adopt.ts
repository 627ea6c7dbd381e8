/**
 * Adopt: point a Tasmota/gPlug device at the bridge's broker and wait for its first meter reading there. The only
 * code that changes a device, run only on the user's explicit request. It reads the device's settings first (so the
 * result says how to undo), listens on the bridge's broker before sending anything (so the first SENSOR is not
 * missed), then sends one `Backlog MqttHost …; MqttPort …; Topic …` and waits.
 */
import mqtt, { type IPublishPacket } from 'mqtt';
import type { ProbeAddress } from '../../../shared/discovery/address.ts';
import type { AdoptResult, AdoptStep, PreviousSettings } from '../../../shared/discovery/types.ts';
import { findMeterObject } from '../../../shared/discovery/meter-object.ts';
import { parseJsonPayload } from '../../../shared/sources/json.ts';
import { probeTasmota } from './http-probe.ts';
import { tasmotaCommand, type TasmotaCredentials } from './tasmota-http.ts';

export interface AdoptRequest extends TasmotaCredentials {
  address: ProbeAddress;
  /** The bridge's broker as the device must reach it (a LAN address, not 127.0.0.1 unless the device is local). */
  mqttHost: string;
  mqttPort: number;
  /** MQTT login the device should use on that broker. */
  mqttUser?: string;
  mqttPassword?: string;
  /** New device topic; the device's current one by default. */
  topic?: string;
  /** Where the bridge reads: the broker URL and login for the watching client. */
  watch: { url: string; username?: string; password?: string };
  /** How long to wait for the first SENSOR message; 120 s by default (a TelePeriod is 300 s unless changed). */
  sensorTimeoutMs?: number;
  onStep?(step: AdoptStep, detail: string): void;
  signal?: AbortSignal;
}

/** Characters a Backlog argument can hold without splitting the command (`;`) or changing its meaning. */
const SAFE_HOST = /^[A-Za-z0-9.:-]{1,64}$/;
const SAFE_TOPIC = /^[A-Za-z0-9_-]{1,32}$/;
const SAFE_LOGIN = /^[^;\s]{1,32}$/;
const isLoopback = (host: string) => /^(127\.|localhost$|::1$|\[::1\]$)/i.test(host);

function invalid(message: string): AdoptResult {
  return { ok: false, step: 'read-settings', error: { kind: 'invalid', message } };
}

function checkRequest(request: AdoptRequest, topic: string | undefined): AdoptResult | undefined {
  if (!SAFE_HOST.test(request.mqttHost)) return invalid(`"${request.mqttHost.slice(0, 64)}" is not a broker host`);
  if (isLoopback(request.mqttHost) && !isLoopback(request.address.host)) {
    return invalid(`the device cannot reach the broker at ${request.mqttHost}: give this machine's LAN address`);
  }
  if (!Number.isInteger(request.mqttPort) || request.mqttPort < 1 || request.mqttPort > 65535) {
    return invalid(`${request.mqttPort} is not a port`);
  }
  if (topic === undefined || !SAFE_TOPIC.test(topic)) {
    return invalid(`"${(topic ?? '').slice(0, 40)}" is not a Tasmota topic (1 to 32 letters, digits, "_" or "-")`);
  }
  for (const login of [request.mqttUser, request.mqttPassword]) {
    if (login !== undefined && !SAFE_LOGIN.test(login)) return invalid('the MQTT login must not contain ";" or spaces');
  }
  return undefined;
}

/** Subscribes `tele/<topic>/SENSOR` and resolves with the first live (not retained) meter reading's serial. */
async function listen(request: AdoptRequest, topic: string) {
  const client = mqtt.connect(request.watch.url, {
    username: request.watch.username,
    password: request.watch.password,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  });
  let problem: string | undefined;
  // A permanent listener: an 'error' event nobody hears would end the process.
  client.on('error', (e) => (problem ??= e.message));
  const connected = await new Promise<boolean>((resolve) => {
    client.once('connect', () => resolve(true));
    client.once('close', () => resolve(false));
  });
  if (connected) {
    try {
      const granted = await client.subscribeAsync(`tele/${topic}/SENSOR`, { qos: 0 });
      if (granted.some((grant) => grant.qos === 128))
        problem = `the broker refused the subscription to tele/${topic}/SENSOR`;
    } catch (e) {
      problem = (e as Error).message;
    }
  } else {
    problem ??= 'the connection closed';
  }
  const reading = new Promise<{ meterSerial?: string }>((resolve) => {
    client.on('message', (_topic: string, payload: Buffer, packet: IPublishPacket) => {
      if (packet.retain) return; // an old retained reading says nothing about the device's new settings
      const parsed = parseJsonPayload(payload);
      const meter = 'error' in parsed ? undefined : findMeterObject(parsed.json);
      if (meter) resolve(meter.meterSerial === undefined ? {} : { meterSerial: meter.meterSerial });
    });
  });
  return { problem, reading, close: () => client.endAsync(true) };
}

export async function adoptTasmota(request: AdoptRequest): Promise<AdoptResult> {
  const step = (name: AdoptStep, detail: string) => request.onStep?.(name, detail);
  const http = { user: request.user, password: request.password };

  step('read-settings', 'reading the device settings (Status 0)');
  const status = await probeTasmota(request.address, { ...http, signal: request.signal });
  if (!status.ok) return { ok: false, step: 'read-settings', error: { kind: 'device', message: status.error.message } };
  const previous: PreviousSettings = {
    mqttHost: status.device.mqttHost,
    mqttPort: status.device.mqttPort,
    topic: status.device.topic,
  };
  const topic = request.topic ?? status.device.topic;
  const refused = checkRequest(request, topic);
  if (refused || topic === undefined) return refused ?? invalid('no topic');

  step('listen', `listening for tele/${topic}/SENSOR on ${request.watch.url}`);
  const watch = await listen(request, topic);
  try {
    if (watch.problem !== undefined) {
      const message = `cannot listen on the bridge's broker: ${watch.problem}`;
      return { ok: false, step: 'listen', error: { kind: 'broker', message }, previous };
    }
    const login = [
      ...(request.mqttUser !== undefined ? [`MqttUser ${request.mqttUser}`] : []),
      ...(request.mqttPassword !== undefined ? [`MqttPassword ${request.mqttPassword}`] : []),
    ];
    const unchanged =
      login.length === 0 &&
      previous.mqttHost === request.mqttHost &&
      previous.mqttPort === request.mqttPort &&
      previous.topic === topic;
    if (unchanged) {
      // Sending the same settings again would only make the device reconnect (or restart) for nothing.
      step('configure', `already set to ${request.mqttHost}:${request.mqttPort}, topic ${topic}: nothing sent`);
    } else {
      const backlog = [`MqttHost ${request.mqttHost}`, `MqttPort ${request.mqttPort}`, ...login, `Topic ${topic}`];
      step('configure', `sending Backlog MqttHost ${request.mqttHost}; MqttPort ${request.mqttPort}; Topic ${topic}`);
      const sent = await tasmotaCommand(request.address, `Backlog ${backlog.join('; ')}`, {
        ...http,
        signal: request.signal,
      });
      if (!sent.ok) {
        return { ok: false, step: 'configure', error: { kind: 'device', message: sent.error.message }, previous };
      }
    }

    step('wait-sensor', `waiting for the first reading on tele/${topic}/SENSOR`);
    const timeoutMs = request.sensorTimeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
    const aborted = new Promise<undefined>((resolve) =>
      request.signal?.addEventListener('abort', () => resolve(undefined), { once: true }),
    );
    const reading = await Promise.race([watch.reading, timedOut, aborted]);
    clearTimeout(timer);
    if (!reading) {
      const message = `no meter reading from ${topic} on the bridge's broker within ${Math.round(timeoutMs / 1000)} s: the device has its new settings; check that it reaches ${request.mqttHost}:${request.mqttPort} and that its meter script runs`;
      return { ok: false, step: 'wait-sensor', error: { kind: 'no-sensor', message }, previous };
    }
    step('done', `${topic} publishes its meter on the bridge's broker`);
    return {
      ok: true,
      source: { type: 'mqtt', gateway: 'tasmota', topic },
      ...(reading.meterSerial === undefined ? {} : { meterSerial: reading.meterSerial }),
      previous,
    };
  } finally {
    await watch.close();
  }
}
