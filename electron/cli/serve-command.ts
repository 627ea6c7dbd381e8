/** `smartmeter-bridge serve`: the bridge headless (Raspberry Pi, home server) until Ctrl-C or SIGTERM. */
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writableDirProblem } from '../core/config/file-checks.ts';
import { ConfigEditor, DEFAULT_CONFIG_FILE } from '../core/config/config-editor.ts';
import { loadConfig } from '../core/config/load-config.ts';
import { FileSecretStore, SECRETS_FILE } from '../core/secrets/file-secret-store.ts';
import { bridgeDiscovery } from '../core/discovery/bridge-discovery.ts';
import { packageVersion, rendererDir } from '../core/build-info.ts';
import { BridgeService } from '../core/service/bridge-service.ts';
import { defaultDataDir } from '../core/service/data-dir.ts';
import { lockDir, type DirLock } from '../core/service/dir-lock.ts';
import { serviceDiagnostics } from '../core/service/diagnostics-bundle.ts';
import { createLogger, LogRing, type LogLevel } from '../core/service/logger.ts';
import { createProbeHandler } from '../core/probe/probe-handler.ts';
import { SerialPortWatch } from '../core/probe/serial-port-watch.ts';
import { startApiServer } from '../server/api-server.ts';
import { createDiscoveryBackend } from '../server/discovery-methods.ts';
import { historyHandlers } from '../server/history-methods.ts';
import { settingsHandlers } from '../server/settings-methods.ts';
import { UsageError } from './args.ts';
import type { CliIo } from './io.ts';

export const SERVE_USAGE = `usage: smartmeter-bridge serve [--config FILE] [--data-dir DIR] [--log-level debug|info|warn|error]

Runs the bridge: reads every configured meter and publishes the harmonized MQTT profile (docs/mqtt-profile.md).
Without a config it starts an embedded MQTT broker on 127.0.0.1:1883 and waits for sources to be configured.
  --config     YAML or JSON config file (docs/configuration.md)
  --data-dir   where the bridge keeps its offline queue, history, secrets and known meters (default:
               SMARTMETER_BRIDGE_DATA, else the platform's state directory); one bridge per dir
  --log-level  default info`;

export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        config: { type: 'string' },
        'data-dir': { type: 'string' },
        'log-level': { type: 'string', default: 'info' },
      },
    }));
    if (!['debug', 'info', 'warn', 'error'].includes(values['log-level'])) {
      throw new UsageError(`--log-level: expected debug, info, warn or error, got '${values['log-level']}'`);
    }
  } catch (e) {
    io.err(`serve: ${(e as Error).message}\n${SERVE_USAGE}`);
    return 2;
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  // Like a bad config key, an unusable data dir is the user's to fix (exit 2), found before anything starts.
  const dirProblem = writableDirProblem(dataDir);
  if (dirProblem) {
    // Name where the folder came from: a user who gave no --data-dir must learn that one can be given.
    const origin =
      values['data-dir'] !== undefined
        ? '--data-dir'
        : process.env.SMARTMETER_BRIDGE_DATA
          ? 'SMARTMETER_BRIDGE_DATA'
          : 'the default data folder (choose one with --data-dir)';
    io.err(`serve: ${origin}: ${dirProblem}, nothing was started`);
    return 2;
  }
  let secrets: FileSecretStore;
  try {
    secrets = new FileSecretStore(join(dataDir, SECRETS_FILE));
  } catch (e) {
    io.err(`serve: ${(e as Error).message}, nothing was started`);
    return 2;
  }
  // Without --config, the config saved from the UI in the data dir (if any).
  const savedConfig = join(dataDir, DEFAULT_CONFIG_FILE);
  const configFile = values.config ?? (existsSync(savedConfig) ? savedConfig : undefined);
  const loaded = loadConfig(configFile, process.env, secrets.lookup);
  if (!loaded.ok) {
    io.err(`serve: the configuration has ${loaded.problems.length} problem(s), nothing was started:`);
    for (const problem of loaded.problems) io.err(`  ${problem}`);
    return 2;
  }
  // The last lines also go to the UI's log view and the diagnostics download.
  const logs = new LogRing();
  const log = createLogger(io.err, values['log-level'] as LogLevel, 'text', logs);
  // A long-running service says so instead of dying silently; any such line is a defect to report.
  process.on('unhandledRejection', (reason) => log.error(`internal error (please report it): ${String(reason)}`));
  const service = new BridgeService({ config: loaded.config, dataDir, version: packageVersion(), log });
  const startup = startUp(service, dataDir);
  // Start-up waits on disks (a big queue, a slow network share): a signal meanwhile still ends the process.
  if (!(await settlesUnlessStopped(startup, io.signal, STOP_GRACE_MS))) {
    log.error(`stopped during start-up, which did not finish within ${STOP_GRACE_MS / 1000} s: ending it`);
    // What hangs there is usually a disk read stuck in the kernel (a dead network share): exit() would wait for it.
    io.kill?.();
    return 1;
  }
  const started = await startup;
  if (started instanceof Error) {
    log.error(`cannot start: ${started.message}`);
    return 1;
  }
  const lock = started;
  if (loaded.config.sources.length === 0)
    log.info('no sources configured yet: add some to the config file (docs/configuration.md)');
  const discovery = bridgeDiscovery(service, loaded.config);
  const ports = new SerialPortWatch({ extraPorts: () => service.currentConfig().serial.extraPorts });
  const discoveryApi = discovery && createDiscoveryBackend(discovery.service, { watch: discovery.watch });
  const editor = new ConfigEditor({ path: configFile, dataDir, secrets, apply: (next) => service.reconfigure(next) });
  const ui = await startApiServer({
    ...loaded.config.ui,
    warn: (line) => log.warn(line),
    staticDir: rendererDir(),
    backend: {
      getBridge: () => service.snapshot(),
      handlers: {
        listSerialPorts: () => ports.ports(),
        getDiagnostics: () => serviceDiagnostics(service, logs, packageVersion()),
        probeSerialPort: createProbeHandler({ bridge: () => service.snapshot() }),
        ...discoveryApi?.handlers,
        ...historyHandlers(() => service.history()),
        ...settingsHandlers(editor, secrets, loaded.config),
      },
      onChange: (listener) => service.on('change', listener),
      onEvent: (listener) => {
        const stops = [
          discoveryApi?.onEvent(listener),
          ports.onChange((data) => listener({ event: 'serialPorts', data })),
        ];
        return () => stops.forEach((stop) => stop?.());
      },
    },
  }).catch((e: NodeJS.ErrnoException) => {
    // The bridge itself is fine without its UI: say why and keep publishing.
    const why = e.code === 'EADDRINUSE' ? `port in use (${loaded.config.ui.port}; set ui.port)` : e.message;
    log.error(`UI off: ${why}; still publishing`);
    return undefined;
  });
  if (ui) log.info(`UI and api on ${ui.url}`);
  if (io.signal && !io.signal.aborted) await once(io.signal, 'abort');
  log.info('stopping: reporting offline, keeping queued messages on disk');
  const boundMs = loaded.config.queue.shutdownFlushMs + STOP_GRACE_MS;
  const stopped = await settlesWithin(Promise.all([ui?.close(), discovery?.service.stop(), service.stop()]), boundMs);
  ports.stop();
  await lock.release();
  const code = stopped ? 0 : 1;
  if (!stopped) log.error(`stopping took longer than ${boundMs / 1000} s: exiting with the rest unsent`);
  // Whatever might still hold the event loop (a socket that never closes), the process ends now.
  if (io.exit) setTimeout(() => io.exit?.(code), EXIT_GRACE_MS).unref();
  return code;
}

/** Beyond the shutdown flush: stopping the sources, disconnecting, writing the rest to disk. */
const STOP_GRACE_MS = 5000;
/** How long the process may take to end by itself once stopped. */
const EXIT_GRACE_MS = 2000;

/** Locks the data dir, then starts the service; the lock (to release at the end) or why it could not start. */
async function startUp(service: BridgeService, dataDir: string): Promise<DirLock | Error> {
  let lock: DirLock;
  try {
    // Two bridges on one data dir would corrupt its queue: the second one says who holds it and leaves.
    lock = await lockDir(dataDir);
  } catch (e) {
    return e as Error;
  }
  try {
    await service.start();
    return lock;
  } catch (e) {
    await lock.release();
    return e as Error;
  }
}

/** Resolves true once `work` settles; if `signal` aborts first, waits `graceMs` more and resolves false if it has not. */
async function settlesUnlessStopped(
  work: Promise<unknown>,
  signal: AbortSignal | undefined,
  graceMs: number,
): Promise<boolean> {
  if (!signal) return true;
  const stopped = new Promise<false>((resolve) => {
    if (signal.aborted) resolve(false);
    else signal.addEventListener('abort', () => resolve(false), { once: true });
  });
  if (await Promise.race([work.then(() => true), stopped])) return true;
  return settlesWithin(work, graceMs);
}

/** Resolves true once `work` settles, false if it has not within `ms` (it is left running). */
function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const done = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    work.then(done, done);
  });
}
