/**
 * The real parts of the browser tests: the built UI served by a real `smartmeter-bridge serve` process (embedded
 * broker, loopback ports picked free), the real simulator process feeding it over TCP, and Debian's Chromium driven by
 * playwright-core. axe-core is injected into the page for the accessibility checks.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll } from 'vitest';
import { stringify } from 'yaml';
import { freePort, startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { terminate } from '../helpers/process.ts';
import { createPtyPair, type PtyPair } from '../helpers/pty-pair.ts';
import { untilDefined } from '../helpers/wait.ts';
import { attachIpcDouble } from './ipc-transport-double.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'smartmeter-bridge.js');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * The api transport of the pages: the WebSocket of `serve`, or with SMB_E2E_TRANSPORT=ipc (test/e2e/over-ipc/) the
 * desktop app's IPC, its preload and main process played around the same `serve` (ipc-transport-double.ts).
 */
export const OVER_IPC = process.env.SMB_E2E_TRANSPORT === 'ipc';
export const SCREENSHOTS = join(ROOT, 'test', 'e2e', 'screenshots', ...(OVER_IPC ? ['over-ipc'] : []));

/** The UI is tested as users get it: built (`npm test` builds first; this covers a bare `vitest run`). */
export function buildIfStale(): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
}

export interface Running {
  child: ChildProcess;
  output: () => string;
}

function run(args: string[]): Running {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return { child, output: () => output };
}

export interface Bridge {
  url: string;
  /** Stops the process and starts it again on the same config and ports, like a service restart. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function listening(serve: Running): Promise<string> {
  return untilDefined(
    () => /UI and api on (http:\/\/\S+)/.exec(serve.output())?.[1],
    `serve to listen (${serve.output()})`,
    60_000,
  );
}

/**
 * `serve` with the given sources (and `ui` settings besides its port, and other top-level settings such as `serial`);
 * resolves when its UI listens.
 */
export async function startBridge(
  sources: Record<string, unknown>[],
  ui: Record<string, unknown> = {},
  more: Record<string, unknown> = {},
): Promise<Bridge> {
  const dir = mkdtempSync(join(tmpdir(), 'smb-e2e-'));
  const config = join(dir, 'bridge.yaml');
  const uiPort = await freePort();
  writeFileSync(
    config,
    stringify({ ...more, embeddedBroker: { port: await freePort() }, ui: { ...ui, port: uiPort }, sources }),
  );
  const args = ['serve', '--config', config, '--data-dir', join(dir, 'data')];
  let serve = run(args);
  const url = await listening(serve);
  return {
    url,
    async restart() {
      await terminate(serve.child);
      serve = run(args);
      await listening(serve);
    },
    async stop() {
      await terminate(serve.child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The README's "No meter at hand?": the simulated DSMR 5 meter on a TCP port, as a tcp source for `serve`. */
export async function startSimulatedMeter(): Promise<{ source: Record<string, unknown>; stop(): Promise<void> }> {
  const port = await freePort();
  const simulator = run(['simulate', '--meter', 'dsmr5', '--to', `tcp:127.0.0.1:${port}`]);
  await untilDefined(() => (simulator.output().includes('simulating') ? true : undefined), 'the simulator', 60_000);
  return {
    source: { type: 'tcp', id: 'simulated-p1', host: '127.0.0.1', port },
    stop: () => terminate(simulator.child),
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

/** Registers how to stop something a test file's beforeAll started. */
export type Defer = (stop: () => Promise<unknown>) => void;

/** Runs what was deferred last-first after the file's tests, however far its beforeAll got. */
export function stopsAfterAll(): Defer {
  const stops: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });
  return (stop) => void stops.push(stop);
}

/** What every browser test starts from: the UI built, the screenshots folder, Chromium. */
export async function startBrowser(defer: Defer): Promise<Browser> {
  buildIfStale();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const browser = await launchChromium();
  defer(() => browser.close());
  return browser;
}

/** Chromium and a real Mosquitto for the bridge (and the test) to use. */
export async function startBrowserAndBroker(defer: Defer): Promise<{ browser: Browser; broker: Mosquitto }> {
  const browser = await startBrowser(defer);
  const broker = await startMosquitto();
  defer(() => broker.dispose());
  return { browser, broker };
}

/** A socat pty pair: the bridge opens `device`, a simulated meter writes to `meter`. */
export async function openPtyPair(defer: Defer): Promise<PtyPair> {
  const pair = await createPtyPair();
  defer(() => pair.dispose());
  return pair;
}

/** The real simulator (`simulate <args>`) writing to a serial port, such as a pty pair's meter side. */
export function simulateToSerial(defer: Defer, port: string, args: string[]): ChildProcess {
  const simulator = spawn(process.execPath, [BIN, 'simulate', ...args, '--to', `serial:${port}`], { stdio: 'ignore' });
  defer(() => terminate(simulator));
  return simulator;
}

type MeterSource = Record<string, unknown>;

/** Chromium and `serve` reading the simulated meter; `sources` makes the bridge's sources from the meter's. */
export async function startMeteredSession(
  defer: Defer,
  sources: (meter: MeterSource) => MeterSource[] = (meter) => [meter],
): Promise<{ browser: Browser; meter: MeterSource; bridge: Bridge }> {
  const browser = await startBrowser(defer);
  const simulator = await startSimulatedMeter();
  defer(simulator.stop);
  const bridge = await startBridge(sources(simulator.source));
  defer(bridge.stop);
  return { browser, meter: simulator.source, bridge };
}

export interface PageOptions {
  locale?: string;
  colorScheme?: 'light' | 'dark';
  /** Viewport width in CSS pixels; default 1280 (390 is a phone). */
  width?: number;
  /** A script run in the page before its own (what Electron's preload would put there). */
  initScript?: string;
}

/** A fresh browser profile (no remembered language or theme) on the UI; page errors fail the test through `errors`. */
export async function openPage(browser: Browser, url: string, options: PageOptions = {}) {
  const context = await browser.newContext({
    locale: options.locale ?? 'en-US',
    colorScheme: options.colorScheme ?? 'light',
    viewport: { width: options.width ?? 1280, height: 860 },
    // axe-core is injected as a script; the served page's CSP rightly forbids that for anything else.
    bypassCSP: true,
  });
  if (OVER_IPC) await attachIpcDouble(context, url);
  if (options.initScript) await context.addInitScript(options.initScript);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(url);
  return { page, errors, close: () => context.close() };
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(({ id, impact, help, nodes }) => ({ id, impact, help, nodes: nodes.map((n) => ({ target: n.target })) }));
}

/** The languages and themes every page is shot in. */
export const SCREENSHOT_VARIANTS = ['en-GB', 'de-CH', 'fr-CH', 'it-CH'].flatMap((locale) =>
  (['light', 'dark'] as const).map((colorScheme) => ({ locale, colorScheme })),
);

/** `<lang>-<scheme>-<name>.png` of `url` in each variant, once `prepare` brought the page to what is shown. */
export async function saveScreenshots(
  browser: Browser,
  url: string,
  name: string,
  prepare: (page: Page) => Promise<void>,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  for (const { locale, colorScheme } of SCREENSHOT_VARIANTS) {
    const { page, close } = await openPage(browser, url, { locale, colorScheme });
    try {
      await prepare(page);
      const path = join(SCREENSHOTS, `${locale.slice(0, 2)}-${colorScheme}-${name}.png`);
      await page.screenshot({ path, fullPage: options.fullPage });
    } finally {
      await close();
    }
  }
}
