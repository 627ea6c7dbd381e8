/** The discovery methods and events over the UI server's WebSocket, with a Tasmota-like device and a real broker. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DiscoveryService } from '../../../electron/core/discovery/discovery-service.ts';
import { startApiServer, type ApiServer } from '../../../electron/server/api-server.ts';
import { createDiscoveryBackend } from '../../../electron/server/discovery-methods.ts';
import type { ApiEvent, ApiResponse } from '../../../shared/api.ts';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.ts';
import { until } from '../../helpers/wait.ts';
import { startFakeTasmota, type FakeTasmota } from './fake-tasmota.ts';

let broker: Mosquitto;
let device: FakeTasmota;
let service: DiscoveryService;
let server: ApiServer;
let socket: WebSocket;
const messages: (ApiEvent | ApiResponse)[] = [];

beforeAll(async () => {
  broker = await startMosquitto();
  device = await startFakeTasmota({ password: 'pw' });
  service = new DiscoveryService({
    brokers: [{ url: broker.url, guard: { baseTopic: 'smartmeter' } }],
    outputBroker: broker.url,
    receivedIds: () => new Set(),
  });
  service.start();
  const discovery = createDiscoveryBackend(service, { watch: { url: broker.url }, pushIntervalMs: 20 });
  server = await startApiServer({
    host: '127.0.0.1',
    port: 0,
    backend: {
      getBridge: () => undefined,
      handlers: discovery.handlers,
      onChange: () => {},
      onEvent: discovery.onEvent,
    },
  });
  socket = new WebSocket(`${server.url.replace('http', 'ws')}/api`);
  socket.on('message', (raw) => messages.push(JSON.parse(String(raw)) as ApiEvent | ApiResponse));
  await new Promise((resolve) => socket.once('open', resolve));
});

afterAll(async () => {
  socket?.close();
  await server?.close();
  await service?.stop();
  await device?.close();
  await broker?.dispose();
});

let nextId = 1;
async function call(method: string, params?: unknown): Promise<ApiResponse> {
  const id = nextId++;
  socket.send(JSON.stringify(params === undefined ? { id, method } : { id, method, params }));
  let response: ApiResponse | undefined;
  await until(
    () => (response = messages.find((m): m is ApiResponse => 'id' in m && m.id === id)) !== undefined,
    method,
  );
  return response!;
}

describe('discovery api', () => {
  it('probes an address the user typed and lists the device, pushing the new list', async () => {
    const address = `127.0.0.1:${device.port}`;
    expect(await call('discoveryProbe', { address })).toMatchObject({
      ok: true,
      result: { ok: false, error: { kind: 'auth' } },
    });
    const probed = await call('discoveryProbe', { address, password: 'pw' });
    expect(probed).toMatchObject({ ok: true, result: { ok: true, device: { topic: 'gplug_keller' } } });
    await until(
      () => messages.some((m) => 'event' in m && m.event === 'discovery' && m.data.devices.length === 1),
      'the pushed list',
    );
    const list = await call('discoveryList');
    expect(list).toMatchObject({ ok: true, result: { devices: [{ mac: 'A0:B7:65:12:34:56', via: ['http'] }] } });
    expect(JSON.stringify(messages)).not.toContain('"pw"');
  });

  it('adopts only on the explicit call, reporting each step, and returns the source to add', async () => {
    expect(device.commands.some((c) => c.startsWith('Backlog'))).toBe(false);
    const adopted = await call('discoveryAdopt', {
      address: `127.0.0.1:${device.port}`,
      password: 'pw',
      mqttHost: '127.0.0.1',
      mqttPort: broker.port,
    });
    expect(adopted).toMatchObject({
      ok: true,
      result: { ok: true, source: { gateway: 'tasmota', topic: 'gplug_keller' } },
    });
    const steps = messages.flatMap((m) => ('event' in m && m.event === 'discoveryAdopt' ? [m.data] : []));
    expect(steps.map((s) => s.step)).toEqual(['read-settings', 'listen', 'configure', 'wait-sensor', 'done']);
    expect(new Set(steps.map((s) => s.address))).toEqual(new Set([`127.0.0.1:${device.port}`]));
  });

  it('scans a subnet the user named with progress events, and nothing wider than a /24', async () => {
    const scanned = await call('discoveryScan', { subnet: '127.0.0.0/30' });
    expect(scanned).toEqual({ id: expect.any(Number), ok: true, result: { ok: true, found: 0, stopped: false } });
    const progress = messages.flatMap((m) => ('event' in m && m.event === 'discoveryScan' ? [m.data] : []));
    expect(progress.at(-1)).toEqual({ done: 2, total: 2, found: 0, running: false });
    const wide = await call('discoveryScan', { subnet: '10.0.0.0/8' });
    expect(wide).toMatchObject({ ok: true, result: { ok: false, error: { message: expect.stringContaining('/24') } } });
  });

  it('refuses requests that do not fit the schema', async () => {
    const id = nextId++;
    socket.send(JSON.stringify({ id, method: 'discoveryScan', params: { subnet: '10.0.0.0/24', extra: 1 } }));
    await until(() => messages.some((m) => 'ok' in m && !m.ok && (m.id === null || m.id === id)), 'the refusal');
  });
});
