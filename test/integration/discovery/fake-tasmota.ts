/**
 * An HTTP server on loopback that answers like Tasmota's `/cm` api: `Status 0` and `Backlog`, with the web UI's
 * password when one is set. A `Backlog` that sets MqttHost/MqttPort/Topic makes it behave like a real device after a
 * restart: it connects to that broker and publishes `tele/<topic>/SENSOR` with its meter.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';

export interface FakeTasmotaOptions {
  host?: string;
  port?: number;
  password?: string;
  /** `slow`: accepts and never answers; `broken`: answers 500 with HTML; `huge`: an endless JSON-like body. */
  behaviour?: 'tasmota' | 'slow' | 'broken' | 'huge';
  topic?: string;
  mac?: string;
}

export interface FakeTasmota {
  host: string;
  port: number;
  /** Every command received, in order (passwords included: it is the device's view). */
  commands: string[];
  /** Requests received, answered or not. */
  hits: number;
  settings: { mqttHost: string; mqttPort: number; topic: string };
  close(): Promise<void>;
}

export const GPLUG_SENSOR = {
  Time: '2026-11-29T20:00:05',
  z: { SMid: '35012345', Pi: 0.412, Po: 0, Ei: 6226.327, Eo: 12.5, U1: 231.2, I1: 1.8 },
};

function status0(f: FakeTasmota, mac: string) {
  return {
    Status: { Module: 1, DeviceName: 'gPlug Keller', FriendlyName: ['gPlug'], Topic: f.settings.topic },
    StatusFWR: { Version: '14.3.0(tasmota32)', Hardware: 'ESP32-C3' },
    StatusNET: { Hostname: `gplug-${f.settings.topic}`, IPAddress: f.host, Mac: mac },
    StatusMQT: { MqttHost: f.settings.mqttHost, MqttPort: f.settings.mqttPort, MqttClient: 'DVES_123456' },
    StatusSNS: GPLUG_SENSOR,
  };
}

/** Writes `{"a":[0,0,0,…` until the client goes away. */
function endless(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const chunk = '0,'.repeat(8192);
  const more = () => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', more);
  };
  res.write('{"a":[');
  more();
}

export async function startFakeTasmota(options: FakeTasmotaOptions = {}): Promise<FakeTasmota> {
  let client: MqttClient | undefined;
  const mac = options.mac ?? 'A0:B7:65:12:34:56';
  const fake: FakeTasmota = {
    host: options.host ?? '127.0.0.1',
    port: 0,
    commands: [],
    hits: 0,
    settings: { mqttHost: '192.0.2.10', mqttPort: 1883, topic: options.topic ?? 'gplug_keller' },
    close: async () => {
      await client?.endAsync(true);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const publishLikeADevice = () => {
    const { mqttHost, mqttPort, topic } = fake.settings;
    client = mqtt.connect(`mqtt://${mqttHost}:${mqttPort}`, { reconnectPeriod: 200 });
    client.on('error', () => {});
    client.on('connect', () => void client?.publish(`tele/${topic}/SENSOR`, JSON.stringify(GPLUG_SENSOR)));
  };

  const server: Server = createServer((req, res) => {
    fake.hits++;
    if (options.behaviour === 'slow') return; // holds the connection open, never answers
    if (options.behaviour === 'broken') return void res.writeHead(500).end('<html>oops</html>');
    if (options.behaviour === 'huge') return void endless(res);
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/cm') return void res.writeHead(404).end();
    if (options.password !== undefined && url.searchParams.get('password') !== options.password) {
      return void res.writeHead(401).end('{"WARNING":"Need user=<username>&password=<password>"}');
    }
    const command = url.searchParams.get('cmnd') ?? '';
    fake.commands.push(command);
    const reply = (json: unknown) =>
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(json));
    if (/^status\s*0$/i.test(command)) return reply(status0(fake, mac));
    const backlog = /^backlog\s+(.*)$/i.exec(command);
    if (!backlog) return reply({ Command: 'Unknown' });
    for (const part of backlog[1]!.split(';').map((p) => p.trim())) {
      const [name = '', value = ''] = part.split(/\s+/, 2);
      if (/^mqtthost$/i.test(name)) fake.settings.mqttHost = value;
      if (/^mqttport$/i.test(name)) fake.settings.mqttPort = Number(value);
      if (/^topic$/i.test(name)) fake.settings.topic = value;
    }
    reply({ Backlog: 'ok' });
    setImmediate(publishLikeADevice);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, fake.host, () => resolve());
  });
  fake.port = (server.address() as AddressInfo).port;
  return fake;
}
