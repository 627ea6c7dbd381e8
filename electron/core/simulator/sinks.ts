/** Where simulated meter output goes: standard output, a serial device, a TCP port (like ser2net), or an MQTT broker. */
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import type { Writable } from 'node:stream';
import mqtt from 'mqtt';
import { SerialPort } from 'serialport';
import type { LineSettings, MqttOut } from '../../../shared/simulator/index.ts';

export interface WireSink {
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
  describe: string;
}

export interface MqttSink {
  publish(messages: MqttOut[]): Promise<void>;
  close(): Promise<void>;
  describe: string;
}

export function streamSink(stream: Writable): WireSink {
  return {
    describe: 'standard output',
    write: async (bytes) => {
      if (!stream.write(bytes)) await once(stream, 'drain');
    },
    close: async () => {},
  };
}

export async function serialSink(path: string, line: LineSettings): Promise<WireSink> {
  const port = new SerialPort({ path, ...line, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  // A vanished device (unplugged adapter, removed pty) fails the next write instead of crashing the process.
  let failure: Error | undefined;
  port.on('error', (e) => (failure ??= e));
  port.on('close', () => (failure ??= new Error(`${path} was closed`)));
  return {
    describe: `${path} at ${line.baudRate} ${line.dataBits}${line.parity[0]!.toUpperCase()}${line.stopBits}`,
    write: (bytes) =>
      new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        port.write(Buffer.from(bytes), (e) => (e ? reject(e) : port.drain((d) => (d ? reject(d) : resolve()))));
      }),
    close: () => new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}

/** A TCP server that sends every frame to every connected client, as a P1-to-WiFi bridge does. */
export async function tcpSink(host: string, port: number): Promise<WireSink> {
  const clients = new Set<Socket>();
  const server = createServer((socket) => {
    clients.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => clients.delete(socket));
  });
  server.listen(port, host);
  await once(server, 'listening');
  const { port: bound } = server.address() as { port: number };
  return {
    describe: `tcp://${host}:${bound}`,
    write: async (bytes) => {
      for (const socket of clients) socket.write(bytes);
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of clients) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function mqttSink(url: string): Promise<MqttSink> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 1000 });
  return {
    describe: url,
    publish: async (messages) => {
      for (const m of messages) await client.publishAsync(m.topic, m.payload, { qos: 1 });
    },
    close: () => client.endAsync(),
  };
}
