import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiEvent, ApiResponse, BridgeView } from '../../../shared/api.ts';

vi.mock('electron', () => import('./electron-double.ts'));
const { FakeWebContents, ipcMain } = await import('./electron-double.ts');
const { REFUSED_SENDER, serveApiOverIpc } = await import('../../../electron/main/ipc-api.ts');
const { IPC_CHANNELS } = await import('../../../electron/preload/ipc-channels.ts');

const view = { version: '0.1.0', sources: [], meters: [] } as unknown as BridgeView;
const log = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
let window: InstanceType<typeof FakeWebContents>;
let changed: () => void;
let stop: () => void;
let discoveryEvent: (event: ApiEvent) => void = () => undefined;
const backend = {
  getBridge: vi.fn((): BridgeView | undefined => view),
  onChange: (listener: () => void) => void (changed = listener),
  handlers: {
    listSerialPorts: vi.fn(() => Promise.resolve([])),
    discoveryStopScan: vi.fn(() => Promise.resolve(true)),
    discoveryProbe: vi.fn(() =>
      Promise.resolve({ ok: false as const, error: { kind: 'timeout' as const, message: 'x' } }),
    ),
  },
  onEvent: (listener: (event: ApiEvent) => void) => ((discoveryEvent = listener), () => undefined),
};

type Frame = { url: string; parent: Frame | null } | null;
const top = (url = 'app://bridge/index.html'): Frame => ({ url, parent: null });
function request(payload: unknown, sender = window, senderFrame: Frame = top()): Promise<ApiResponse> {
  const handler = ipcMain.handlers.get(IPC_CHANNELS.request);
  if (!handler) throw new Error('no handler');
  return Promise.resolve((handler as (e: unknown, p: unknown) => ApiResponse)({ sender, senderFrame }, payload));
}

beforeEach(() => {
  vi.useFakeTimers();
  window = new FakeWebContents();
  stop = serveApiOverIpc({
    ipcMain: ipcMain as unknown as Electron.IpcMain,
    backend,
    window: () => window as unknown as Electron.WebContents,
    log,
  });
  backend.getBridge.mockClear();
  backend.handlers.listSerialPorts.mockClear();
  log.warn.mockClear();
});
afterEach(() => {
  stop();
  vi.useRealTimers();
});

describe('IPC requests from the app window', () => {
  it('answers the contract methods', async () => {
    expect(await request({ id: 1, method: 'getBridge' })).toEqual({ id: 1, ok: true, result: view });
    expect(await request({ id: 2, method: 'listSerialPorts' })).toEqual({ id: 2, ok: true, result: [] });
  });

  it('says so when the bridge is not running or the core fails, with the request id', async () => {
    backend.getBridge.mockReturnValueOnce(undefined);
    expect(await request({ id: 3, method: 'getBridge' })).toEqual({
      id: 3,
      ok: false,
      error: { message: 'the bridge is not running' },
    });
    backend.handlers.listSerialPorts.mockRejectedValueOnce(new Error('udevadm missing'));
    expect(await request({ id: 4, method: 'listSerialPorts' })).toMatchObject({ id: 4, ok: false });
  });
});

describe('discovery requests from the app window', () => {
  it('are answered by the discovery of the running bridge, parameters checked by the contract', async () => {
    expect(await request({ id: 5, method: 'discoveryStopScan' })).toEqual({ id: 5, ok: true, result: true });
    const probe = { id: 6, method: 'discoveryProbe', params: { address: '192.0.2.7', user: 'admin' } };
    expect(await request(probe)).toMatchObject({ id: 6, ok: true });
    expect(backend.handlers.discoveryProbe).toHaveBeenLastCalledWith(probe.params);
  });

  it('are refused with a clear message when discovery is not running', async () => {
    expect(await request({ id: 10, method: 'discoveryList' })).toEqual({
      id: 10,
      ok: false,
      error: { message: 'discoveryList is not available: the bridge or that part of it is not running' },
    });
  });

  it('are refused with a parameter the contract does not know, or without the ones it needs', async () => {
    const calls = backend.handlers.discoveryProbe.mock.calls.length;
    for (const payload of [
      { id: 7, method: 'discoveryProbe', params: { address: '192.0.2.7', shell: 'rm -rf /' } },
      { id: 8, method: 'discoveryScan' },
      { id: 9, method: 'discoveryAdopt', params: { address: '192.0.2.7' } },
    ]) {
      expect(await request(payload), JSON.stringify(payload)).toMatchObject({ ok: false });
    }
    expect(backend.handlers.discoveryProbe.mock.calls).toHaveLength(calls);
  });

  it('push their events to the window as they come', () => {
    const event = { event: 'discoveryScan', data: { running: true } } as unknown as ApiEvent;
    discoveryEvent(event);
    expect(window.sent).toEqual([{ channel: IPC_CHANNELS.event, message: event }]);
  });
});

describe('forged senders are refused before anything runs', () => {
  const forged: [string, () => [InstanceType<typeof FakeWebContents>, Frame]][] = [
    ['a remote page in the window', () => [window, top('https://evil.example/')]],
    ['a file:// page in the window', () => [window, top('file:///tmp/x.html')]],
    ['an iframe of our page', () => [window, { url: 'app://bridge/index.html', parent: top() }]],
    ['another app:// host', () => [window, top('app://other/index.html')]],
    ['another window showing our page', () => [new FakeWebContents(), top()]],
    ['a frame already gone', () => [window, null]],
  ];
  for (const [what, sender] of forged) {
    it(what, async () => {
      const [contents, frame] = sender();
      expect(await request({ id: 1, method: 'listSerialPorts' }, contents, frame)).toEqual({
        id: null,
        ok: false,
        error: { message: REFUSED_SENDER },
      });
      expect(backend.handlers.listSerialPorts).not.toHaveBeenCalled();
      expect(log.warn).toHaveBeenCalledWith(expect.stringMatching(/refused/));
    });
  }
});

describe('malformed payloads are refused before anything runs', () => {
  const malformed: [string, unknown][] = [
    ['an unknown method', { id: 1, method: 'stopBridge' }],
    ['a method from the prototype', { id: 1, method: 'constructor' }],
    ['an extra field', { id: 1, method: 'listSerialPorts', params: { path: '/dev/ttyUSB0' } }],
    [
      'a probe of a path that is no serial device',
      { id: 1, method: 'probeSerialPort', params: { path: '/etc/passwd' } },
    ],
    ['a probe of a path leaving /dev', { id: 1, method: 'probeSerialPort', params: { path: '/dev/../etc/shadow' } }],
    [
      'a probe with a key that is not 32 hex digits',
      { id: 1, method: 'probeSerialPort', params: { path: '/dev/ttyUSB0', key: 'secret' } },
    ],
    ['a negative id', { id: -1, method: 'getBridge' }],
    ['a fractional id', { id: 1.5, method: 'getBridge' }],
    ['a string', '{"id":1,"method":"getBridge"}'],
    ['nothing', undefined],
    ['an array', [1, 'getBridge']],
  ];
  for (const [what, payload] of malformed) {
    it(what, async () => {
      const response = await request(payload);
      // A refusal names the request it answers whenever the payload carries a usable id, so its caller is not left waiting.
      const usableId = (payload as { id?: unknown } | undefined)?.id === 1 && !Array.isArray(payload);
      expect(response).toMatchObject({
        id: usableId ? 1 : null,
        ok: false,
        error: { message: expect.stringMatching(/^not a request/) },
      });
      expect(backend.getBridge).not.toHaveBeenCalled();
      expect(backend.handlers.listSerialPorts).not.toHaveBeenCalled();
    });
  }
});

describe('bridge views pushed to the window', () => {
  it('sends one view per burst of changes, on the event channel only', () => {
    for (let i = 0; i < 50; i++) changed();
    vi.advanceTimersByTime(250);
    expect(window.sent).toEqual([{ channel: IPC_CHANNELS.event, message: { event: 'bridge', data: view } }]);
  });

  it('sends nothing to a closed window, nor after stopping', () => {
    window.destroyed = true;
    changed();
    vi.advanceTimersByTime(250);
    window.destroyed = false;
    stop();
    changed();
    vi.advanceTimersByTime(250);
    expect(window.sent).toEqual([]);
    expect(ipcMain.handlers.has(IPC_CHANNELS.request)).toBe(false);
  });
});
