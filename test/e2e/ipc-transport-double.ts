/**
 * The desktop app's IPC transport for the browser tests, with only Electron itself played: the page gets its api from
 * the real preload bundle (the one `npm run dist` packs, its functions generated from the contract's method names),
 * whose ipcRenderer reaches the real main-process handler (electron/main/ipc-api.ts: sender check, schema validation),
 * whose backend is the BridgeService of the test's `serve`, reached through its api. So the renderer starts on its
 * IPC transport, and a test passes over IPC only when the contract holds across preload, main and core. The shell's
 * own functions (`window.smartmeterDesktop`) reach its real handler (desktop-ipc.ts) and the app's DesktopSettings.
 *
 * What Electron would do is played as faithfully as is cheap: the preload runs once per document of the top frame;
 * contextBridge copies values and turns functions into callable stand-ins both ways; IPC clones what it carries; the
 * sender frame the handler checks is the calling frame of Chromium, with its real URL and parent.
 */
import { EventEmitter, once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileFunction } from 'node:vm';
import { build } from 'esbuild';
import type { BrowserContext, Frame } from 'playwright-core';
import WebSocket from 'ws';
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { API_METHOD_NAMES } from '../../shared/api-method-names.ts';
import { ApiFailure, type ApiEvent, type ApiResponse, type BridgeView } from '../../shared/api.ts';
import type { ApiBackend } from '../../electron/server/api-server.ts';
import { serveDesktopOverIpc } from '../../electron/main/desktop-ipc.ts';
import { DesktopSettings } from '../../electron/main/desktop-settings.ts';
import { serveApiOverIpc } from '../../electron/main/ipc-api.ts';
// @ts-expect-error: a plain ES module of the build, without types
import { PRELOAD_OPTIONS } from '../../scripts/build-desktop.mjs';

/** The page's one way out to the double (a playwright binding); the preload's names are what the page sees. */
const BINDING = '__smartmeterIpcDouble';

type Exposed = Record<string, Record<string, (...args: unknown[]) => unknown>>;
/** What each exposed function gives back: a promise (sent to the page when settled) or a function (a stand-in). */
type Shape = Record<string, Record<string, 'promise' | 'function'>>;

type Request =
  { doc: string; api: string; key: string; args: unknown[] } | { doc: string; handle: number; args: unknown[] };
type Answer = { value: unknown } | { handle: number } | { error: string };

let bundle: Promise<string> | undefined;

/** The preload as `npm run build:desktop` bundles it: one CommonJS file that requires only `electron`. */
function preloadBundle(): Promise<string> {
  bundle ??= build({ ...PRELOAD_OPTIONS, write: false, outfile: 'preload.cjs' }).then((r) => r.outputFiles![0]!.text);
  return bundle;
}

interface ElectronForPreload {
  contextBridge: { exposeInMainWorld(name: string, api: unknown): void };
  ipcRenderer: EventEmitter & { invoke(channel: string, payload: unknown): Promise<unknown> };
}

/** Runs the bundle as a sandboxed preload does: `require` knows `electron` and nothing else. */
function runPreload(code: string, electron: ElectronForPreload): Exposed {
  const exposed: Exposed = {};
  electron.contextBridge.exposeInMainWorld = (name, api) => void (exposed[name] = api as Exposed[string]);
  const module = { exports: {} };
  const require = (id: string) => {
    if (id === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require '${id}'`);
  };
  compileFunction(code, ['require', 'module', 'exports'])(require, module, module.exports);
  return exposed;
}

/** Which exposed functions answer with a function: called once on a preload whose IPC goes nowhere. */
function shapeOf(code: string): Shape {
  const nowhere = Object.assign(new EventEmitter(), { invoke: () => Promise.reject(new Error('not connected')) });
  const exposed = runPreload(code, { contextBridge: { exposeInMainWorld() {} }, ipcRenderer: nowhere });
  return Object.fromEntries(
    Object.entries(exposed).map(([name, api]) => [
      name,
      Object.fromEntries(
        Object.entries(api).map(([key, fn]) => {
          const result = fn(() => undefined);
          if (result instanceof Promise) result.catch(() => undefined);
          return [key, typeof result === 'function' ? 'function' : 'promise'];
        }),
      ),
    ]),
  );
}

/**
 * In the page before its own scripts, as the preload's contextBridge would: frozen objects under the exposed names,
 * whose functions go to the double. Functions passed in (event listeners) stay in the page and are called from there.
 */
const pageScript = (shape: Shape) => `(() => {
  if (window !== window.top) return;
  const doc = Math.random().toString(36).slice(2) + Date.now().toString(36);
  const callbacks = new Map();
  const toNode = (value) => {
    if (typeof value !== 'function') return value;
    callbacks.set(callbacks.size + 1, value);
    return { callback: callbacks.size };
  };
  const run = async (request) => {
    const answer = await window[${JSON.stringify(BINDING)}](request);
    if ('error' in answer) throw new Error(answer.error);
    return answer;
  };
  Object.defineProperty(window, ${JSON.stringify(`${BINDING}Deliver`)}, {
    value: (to, id, args) => to === doc && callbacks.has(id) && (callbacks.get(id)(...args), true),
  });
  for (const [name, keys] of Object.entries(${JSON.stringify(shape)})) {
    const api = {};
    for (const [key, kind] of Object.entries(keys)) {
      api[key] = kind === 'function'
        ? (...args) => {
            const handle = run({ doc, api: name, key, args: args.map(toNode) });
            return (...more) => void handle.then((h) => run({ doc, handle: h.handle, args: more.map(toNode) }));
          }
        : async (...args) => (await run({ doc, api: name, key, args: args.map(toNode) })).value;
    }
    Object.defineProperty(window, name, { value: Object.freeze(api), writable: true, configurable: true });
  }
})();`;

/** `serve`'s api as the main process's backend: calls forwarded, its pushed views and events passed on. */
async function serveBackend(pageUrl: string): Promise<ApiBackend & { close(): void }> {
  const url = new URL('/api', pageUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(url, { origin: new URL(pageUrl).origin });
  const events = new EventEmitter<{ change: []; event: [ApiEvent] }>();
  const pending = new Map<number, (response: ApiResponse) => void>();
  let view: BridgeView | undefined;
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as ApiEvent | ApiResponse;
    if ('event' in message) {
      if (message.event !== 'bridge') return void events.emit('event', message);
      view = message.data;
      events.emit('change');
    } else if (message.id !== null) {
      pending.get(message.id)?.(message);
      pending.delete(message.id);
    }
  });
  socket.on('close', () => {
    view = undefined;
    for (const answer of pending.values()) answer({ id: null, ok: false, error: { message: 'serve is gone' } });
    pending.clear();
  });
  await once(socket, 'open');
  let nextId = 1;
  const forward = (method: string) => (params: unknown) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, (r) =>
        r.ok ? resolve(r.result) : reject(new ApiFailure(r.error.kind ?? 'other', r.error.message)),
      );
      socket.send(JSON.stringify(params === undefined ? { id, method } : { id, method, params }));
    });
  return {
    getBridge: () => view,
    handlers: Object.fromEntries(API_METHOD_NAMES.filter((m) => m !== 'getBridge').map((m) => [m, forward(m)])),
    onChange: (listener) => void events.on('change', listener),
    onEvent: (listener) => {
      events.on('event', listener);
      return () => void events.off('event', listener);
    },
    close: () => socket.close(),
  };
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** What Electron's IPC hands the main process: the window's contents and the calling frame as it is now. */
function senderFrame(frame: Frame): { url: string; parent: unknown } {
  const parent = frame.parentFrame();
  return { url: frame.url(), parent: parent ? senderFrame(parent) : null };
}

/**
 * Makes `context` a desktop app window on the UI served at `pageUrl`: its pages get the preload's api, their requests
 * go through the real main handler to that `serve`. Undone when the context closes.
 */
export async function attachIpcDouble(context: BrowserContext, pageUrl: string): Promise<void> {
  const code = await preloadBundle();
  const backend = await serveBackend(pageUrl);
  const handlers = new Map<string, (event: IpcMainInvokeEvent, payload: unknown) => unknown>();
  const ipcMain = {
    handle: (channel: string, handler: (event: IpcMainInvokeEvent, payload: unknown) => unknown) =>
      void handlers.set(channel, handler),
    removeHandler: (channel: string) => void handlers.delete(channel),
  };
  // One window, showing one document at a time: the preload of the document shown now.
  let shown:
    | {
        doc: string;
        frame: Frame;
        ipc: ElectronForPreload['ipcRenderer'];
        exposed: Exposed;
        handles: ((...args: unknown[]) => unknown)[];
      }
    | undefined;
  const window = {
    isDestroyed: () => false,
    send: (channel: string, message: unknown) =>
      void shown?.ipc.emit(channel, { sender: window }, structuredClone(message)),
  };
  const origin = new URL(pageUrl).origin;
  const isOwnPage = (url: string) => URL.canParse(url) && new URL(url).origin === origin;
  const stop = serveApiOverIpc({
    ipcMain: ipcMain as unknown as IpcMain,
    backend,
    window: () => window as unknown as WebContents,
    log: quiet,
    isOwnPage,
  });
  // The shell's own channel on its real handler, its settings in a desktop-settings.json of this window's own.
  const folder = mkdtempSync(join(tmpdir(), 'smb-ipc-double-'));
  const settings = new DesktopSettings(join(folder, 'desktop-settings.json'));
  const stopDesktop = serveDesktopOverIpc({
    ipcMain: ipcMain as unknown as IpcMain,
    window: () => window as unknown as WebContents,
    log: quiet,
    isOwnPage,
    actions: {
      state: () => ({
        secretProtection: 'os',
        paused: false,
        settings: { ...settings.get(), closeToTray: settings.closeToTray(true) },
      }),
      openLogFolder: () => undefined,
      setSettings: (change) => void settings.update(change),
    },
  });
  context.on('close', () => {
    stop();
    stopDesktop();
    backend.close();
    shown?.ipc.removeAllListeners();
    rmSync(folder, { recursive: true, force: true });
  });

  const open = (doc: string, frame: Frame) => {
    if (shown?.doc === doc) return shown;
    shown?.ipc.removeAllListeners();
    const ipc = Object.assign(new EventEmitter(), {
      async invoke(channel: string, payload: unknown): Promise<unknown> {
        const handler = handlers.get(channel);
        if (!handler) throw new Error(`No handler registered for '${channel}'`);
        const event = { sender: window, senderFrame: senderFrame(frame) } as unknown as IpcMainInvokeEvent;
        return structuredClone(await handler(event, structuredClone(payload)));
      },
    });
    const exposed = runPreload(code, { contextBridge: { exposeInMainWorld() {} }, ipcRenderer: ipc });
    shown = { doc, frame, ipc, exposed, handles: [] };
    return shown;
  };

  await context.exposeBinding(BINDING, async (source, request: Request): Promise<Answer> => {
    const current = open(request.doc, source.frame);
    // A function from the page: a stand-in here that calls it there, while that document is shown.
    const args = request.args.map((arg) => {
      const id = (arg as { callback?: number } | null)?.callback;
      if (typeof id !== 'number') return arg;
      const deliver = `window.${BINDING}Deliver(${JSON.stringify(request.doc)}, ${id}, `;
      return (...values: unknown[]) =>
        void current.frame.evaluate(`${deliver}${JSON.stringify(values)})`).catch(() => undefined);
    });
    try {
      const fn = 'handle' in request ? current.handles[request.handle] : current.exposed[request.api]?.[request.key];
      if (typeof fn !== 'function') return { error: 'not exposed' };
      const result: unknown = await fn(...args);
      if (typeof result !== 'function') return { value: result };
      current.handles.push(result as (...args: unknown[]) => unknown);
      return { handle: current.handles.length - 1 };
    } catch (e) {
      return { error: (e as Error).message };
    }
  });
  await context.addInitScript(pageScript(shapeOf(code)));
}
