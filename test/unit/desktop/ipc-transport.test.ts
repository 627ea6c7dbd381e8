/**
 * One contract, two transports: the renderer's IPC transport, through the real preload and the real main-process
 * handler, with only Electron's IPC pipe replaced (the double hands invoke() to the handler and send() to the page).
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ipcTransport, type DesktopApi } from '../../../renderer/src/api/ipc-transport.ts';
import type { ApiEvent, BridgeView, SerialPortView } from '../../../shared/api.ts';

vi.mock('electron', () => import('./electron-double.ts'));
const { contextBridge, FakeWebContents, ipcMain, ipcRenderer } = await import('./electron-double.ts');
const { serveApiOverIpc } = await import('../../../electron/main/ipc-api.ts');

const view = (power: number) => ({ version: '0.1.0', sources: [], meters: [{ power }] }) as unknown as BridgeView;
const ports: SerialPortView[] = [{ path: '/dev/ttyUSB0', device: '/dev/ttyUSB0', likelyMeterAdapter: true }];
let current: BridgeView | undefined = view(1);
let changed: () => void = () => undefined;
let page: DesktopApi;

// The window: what main sends to it arrives at the preload's ipcRenderer; what the preload invokes reaches main.
const window = new FakeWebContents();
window.send = (channel: string, message: unknown) => void ipcRenderer.emit(channel, {}, message);
ipcRenderer.answer = (payload) =>
  (ipcMain.handlers.get('smartmeter-bridge:api-request') as (e: unknown, p: unknown) => unknown)(
    { sender: window, senderFrame: { url: 'app://bridge/index.html', parent: null } },
    payload,
  );

beforeAll(async () => {
  serveApiOverIpc({
    ipcMain: ipcMain as unknown as Electron.IpcMain,
    backend: {
      getBridge: () => current,
      handlers: { listSerialPorts: () => Promise.resolve(ports) },
      onChange: (listener) => void (changed = listener),
    },
    window: () => window as unknown as Electron.WebContents,
    log: { debug() {}, info() {}, warn() {}, error() {} },
    pushIntervalMs: 1,
  });
  await import('../../../electron/preload/preload.ts');
  page = contextBridge.exposed.get('smartmeterBridge') as DesktopApi;
});
afterEach(() => void (current = view(1)));

const events = (transport: ReturnType<typeof ipcTransport>) => {
  const seen: ApiEvent[] = [];
  transport.onEvent((e) => seen.push(e));
  return seen;
};
const until = (check: () => boolean) => vi.waitFor(() => expect(check()).toBe(true), { timeout: 2000 });

describe('the IPC transport, through preload and main', () => {
  it('is open at once and delivers the current view first, as the WebSocket does on connect', async () => {
    const transport = ipcTransport(page);
    const states: string[] = [];
    transport.onConnection((s) => states.push(s));
    const seen = events(transport);
    await until(() => seen.length === 1);
    expect(states).toEqual(['open']);
    expect(seen[0]).toEqual({ event: 'bridge', data: view(1) });
    transport.close();
  });

  it('answers calls with the core’s results, and passes on its refusals', async () => {
    const transport = ipcTransport(page);
    expect(await transport.call('listSerialPorts')).toEqual(ports);
    current = undefined;
    await expect(transport.call('getBridge')).rejects.toThrow('the bridge is not running');
    transport.close();
  });

  it('carries discovery events like the WebSocket does, and calls with params', async () => {
    const transport = ipcTransport(page);
    const seen = events(transport);
    await until(() => seen.length === 1);
    window.send('smartmeter-bridge:api-event', { event: 'discoveryScan', data: { running: true } });
    await until(() => seen.length === 2);
    expect(seen.map((e) => e.event)).toEqual(['bridge', 'discoveryScan']);
    await expect(transport.call('discoveryProbe', { address: '192.0.2.7' })).rejects.toThrow(
      'discoveryProbe is not available',
    );
    transport.close();
  });

  it('refuses a method an older preload lacks instead of throwing', async () => {
    const { probeSerialPort: _lacking, ...older } = page;
    const transport = ipcTransport(older as typeof page);
    await expect(transport.call('probeSerialPort', { path: '/dev/ttyUSB0' })).rejects.toThrow('not offered');
    transport.close();
  });

  it('passes every pushed view on, and nothing after close', async () => {
    const transport = ipcTransport(page);
    const seen = events(transport);
    await until(() => seen.length === 1);
    current = view(2);
    changed();
    await until(() => seen.length === 2);
    expect(seen[1]).toEqual({ event: 'bridge', data: view(2) });
    transport.close();
    changed();
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toHaveLength(2);
    await expect(transport.call('getBridge')).rejects.toThrow(/not connected/);
  });
});
