import { beforeAll, describe, expect, it, vi } from 'vitest';
import { API_METHOD_NAMES, type ApiEvent, type BridgeView } from '../../../shared/api.ts';

vi.mock('electron', () => import('./electron-double.ts'));
const { contextBridge, ipcRenderer } = await import('./electron-double.ts');
const { IPC_CHANNELS } = await import('../../../electron/preload/ipc-channels.ts');

type Exposed = Record<string, unknown> & {
  getBridge(): Promise<BridgeView>;
  listSerialPorts(): Promise<unknown>;
  onEvent(listener: (event: ApiEvent) => void): () => void;
};
let api: Exposed;
beforeAll(async () => {
  await import('../../../electron/preload/preload.ts');
  api = contextBridge.exposed.get('smartmeterBridge') as Exposed;
});

describe('the preload', () => {
  it('puts exactly the api functions into the page, and nothing else', () => {
    expect([...contextBridge.exposed.keys()]).toEqual(['smartmeterBridge', 'smartmeterDesktop']);
    expect(Object.keys(api).sort()).toEqual([...API_METHOD_NAMES, 'onEvent'].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(Object.values(api)).not.toContain(ipcRenderer);
  });

  it("puts the shell's own functions beside it, each a request on the desktop channel", async () => {
    const shell = contextBridge.exposed.get('smartmeterDesktop') as Record<string, (arg?: unknown) => Promise<unknown>>;
    expect(Object.keys(shell).sort()).toEqual(['openLogFolder', 'setSettings', 'state']);
    ipcRenderer.answer = () => ({ ok: true, result: { paused: false } });
    expect(await shell.setSettings!({ closeToTray: false })).toEqual({ paused: false });
    expect(ipcRenderer.invoked.at(-1)).toEqual({
      channel: IPC_CHANNELS.desktop,
      payload: { method: 'setSettings', change: { closeToTray: false } },
    });
    ipcRenderer.answer = () => ({ ok: false, error: { message: 'refused' } });
    await expect(shell.openLogFolder!()).rejects.toThrow('refused');
  });

  it('sends each call as a contract request on the request channel and gives back its result', async () => {
    ipcRenderer.answer = (p) => ({ id: (p as { id: number }).id, ok: true, result: [{ path: '/dev/ttyUSB0' }] });
    expect(await api.listSerialPorts()).toEqual([{ path: '/dev/ttyUSB0' }]);
    const sent = ipcRenderer.invoked.at(-1);
    expect(sent?.channel).toBe(IPC_CHANNELS.request);
    expect(sent?.payload).toEqual({ id: expect.any(Number), method: 'listSerialPorts' });
  });

  it('sends parameters only with the methods that take them', async () => {
    ipcRenderer.answer = (p) => ({ id: (p as { id: number }).id, ok: true, result: true });
    await (api.discoveryProbe as (p: object) => Promise<unknown>)({ address: '192.0.2.7' });
    expect(ipcRenderer.invoked.at(-1)?.payload).toEqual({
      id: expect.any(Number),
      method: 'discoveryProbe',
      params: { address: '192.0.2.7' },
    });
    await (api.discoveryStopScan as () => Promise<unknown>)();
    expect(ipcRenderer.invoked.at(-1)?.payload).toEqual({ id: expect.any(Number), method: 'discoveryStopScan' });
  });

  it('turns a refusal into a rejected promise with the core’s message', async () => {
    ipcRenderer.answer = () => ({ id: 2, ok: false, error: { message: 'the bridge is not running' } });
    await expect(api.getBridge()).rejects.toThrow('the bridge is not running');
  });

  it('hands the page only the event message, never the IPC event (whose sender leads to ipcRenderer)', () => {
    const received: unknown[][] = [];
    const unsubscribe = api.onEvent((...args) => received.push(args));
    const message = { event: 'bridge', data: { version: '0.1.0' } };
    ipcRenderer.emit(IPC_CHANNELS.event, { sender: ipcRenderer }, message);
    expect(received).toEqual([[message]]);
    unsubscribe();
    ipcRenderer.emit(IPC_CHANNELS.event, { sender: ipcRenderer }, message);
    expect(received).toHaveLength(1);
    expect(ipcRenderer.listenerCount(IPC_CHANNELS.event)).toBe(0);
  });
});
