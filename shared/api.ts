/**
 * The one contract between the UI and the core: the methods the UI may call, the events it receives, and the data
 * they carry. Electron (IPC) and the browser (WebSocket at `/api`) carry the same messages; the core checks every
 * request against `apiRequestSchema`, since whatever arrives over a socket is untrusted.
 */
import { z } from 'zod';
import type { Reading } from './profile/index.ts';
import type { AdoptProgress, AdoptResult, DiscoveryView, ProbeOutcome, ScanProgress } from './discovery/types.ts';
import { API_METHOD_NAMES, type ApiMethod } from './api-method-names.ts';
import { historyQuerySchema, type HistorySeries } from './history.ts';
import type { DiagnosticsView } from './diagnostics.ts';
import { sourceSchema, type BridgeConfig } from './config/schema.ts';

export { API_METHOD_NAMES, type ApiMethod };

export const API_VERSION = 1;

export interface SourceView {
  id: string;
  type: 'serial' | 'tcp' | 'mqtt';
  /** e.g. `serial:/dev/ttyUSB0`, `tcp:192.0.2.7:2001`, `mqtt:tasmota`. */
  label: string;
  state: { state: string; detail?: string; error?: { kind: string; message: string } };
  counters: {
    framesOk: number;
    crcErrors: number;
    decryptErrors: number;
    otherErrors: number;
    lastSeen?: number;
    /** `meterId`: the meter whose frame failed, when the frame names it (wireless M-Bus decrypt errors do). */
    lastError?: { kind: string; message: string; meterId?: string };
    /** The last raw frame (hex) or gateway payload (text). */
    lastRaw?: string;
    /**
     * Meters whose frames failed to decrypt since they last decoded (at most 32, newest last; wireless M-Bus frames
     * name their meter): `errors` counts them since the source (re)started. The UI asks for these meters' keys.
     */
    lockedMeters?: { meterId: string; errors: number; message: string }[];
    /** Messages of meters refused because the source reached its `maxMeters` (made-up IDs, or a limit to raise). */
    metersRefused?: number;
  };
}

/** A harmonized reading, as the profile defines it (shared/profile/harmonize.ts). */
export type ReadingView = Reading;

export interface MeterView {
  meterId: string;
  topicId: string;
  online: boolean;
  /** Unix seconds when the bridge first saw the meter, across restarts. */
  firstSeen: number;
  /** Seen for the first time in this run: the UI shows it as a new meter to confirm. */
  isNew: boolean;
  lastSeen: number;
  interval: number;
  readings: ReadingView[];
  info: { manufacturer?: string; model?: string; protocol: string; interface?: string; source?: string };
  /**
   * A DLMS meter's system title (16 hex digits), which ciphered frames carry. Keys set for the meter under its
   * `meterId` or under this title (`meters.<id>.key`) decrypt it; the bridge ties the two together.
   */
  systemTitle?: string;
}

export interface BridgeView {
  version: string;
  /** The profile's base topic: a reading's full topic is `<baseTopic>/<topicId>/<reading.topic>`. */
  baseTopic: string;
  broker: { status: string; url: string; lastError?: { message: string } };
  publisher: { delivered: number; queued: number; dropped: number; rejected: number; failed: number };
  embeddedBroker?: { url: string; clients: number };
  sources: SourceView[];
  meters: MeterView[];
}

/** What Connect's probe found on a serial port (docs/api.md). */
export interface SerialProbeView {
  path: string;
  /** `dsmr`, `dlms` or `mbus`; unknown while the frames are encrypted and no key was given. */
  protocol?: string;
  /** The link: 'p1', 'hdlc', 'mbus'. */
  transport?: string;
  /** The line setting the meter uses, e.g. `2400 8E1`; see `lineSettingsProven`. */
  lineSettings: string;
  /**
   * True when only this setting read the meter. False on a port that reads at any setting (a pty, ser2net, a
   * USB-CDC meter interface): `lineSettings` is then the protocol's standard setting, which the port could not prove.
   */
  lineSettingsProven: boolean;
  meterId?: string;
  manufacturer?: string;
  model?: string;
  family?: string;
  encrypted: boolean;
  /** False when the frames are encrypted and no key was given: ask for it. */
  decrypted: boolean;
  /** The first frame's values, harmonized; empty until it is decrypted. */
  readings: ReadingView[];
}

export interface SerialPortView {
  path: string;
  device: string;
  manufacturer?: string;
  chip?: string;
  likelyMeterAdapter: boolean;
  /** Listed under `serial.extraPorts` (socat, ser2net, a virtual COM port): the system's list does not show it. */
  configured?: boolean;
}

/** The id a caller gives each request; its answer carries it back. */
export const requestId = z.number().int().nonnegative();
/** An AES-128 key as 32 hex digits. */
const aesKey = z.string().regex(/^[0-9a-fA-F]{32}$/, 'a key is 32 hex digits (16 bytes)');
/** Serial devices as the platforms name them: /dev/... (Linux, macOS) or COMn (Windows). */
const serialPath = z
  .string()
  .regex(/^(\/dev\/(?!.*\.\.)[\w./:+-]+|COM\d{1,3}|\\\\\.\\COM\d{1,3})$/, 'not a serial port');
/** The device's web UI login (Tasmota's user is `admin` unless changed). */
/** A secret field's config path, e.g. ['meters', '35012345', 'key'] or ['broker', 'password']. */
const secretPath = z.array(z.string().min(1).max(128)).min(2).max(3);
const webLogin = { user: z.string().min(1).max(64).optional(), password: z.string().min(1).max(128).optional() };

/**
 * Every method of the contract: its name and the zod schema of its params (`null`: it takes none, and a request
 * carrying `params` is refused). Adding a method is one row here, its result in `ApiResults`, one handler in the core.
 */
export const API_METHODS = {
  getBridge: null,
  /** Versions, config without secrets, recent logs, each source's last frames with their decode tree. */
  getDiagnostics: null,
  listSerialPorts: null,
  /** Connect: auto-detects the meter on a port not read by a source (up to ~15 s), checks the key against a frame. */
  probeSerialPort: z.strictObject({ path: serialPath, key: aesKey.optional(), authKey: aesKey.optional() }),
  // Discovery (docs/discovery.md)
  discoveryList: null,
  discoveryProbe: z.strictObject({ address: z.string().min(1).max(300), ...webLogin }),
  discoveryScan: z.strictObject({ subnet: z.string().min(1).max(64), ...webLogin }),
  discoveryStopScan: null,
  discoveryBrowseMdns: null,
  /** Changes the device: the UI sends it only after the user confirmed. */
  discoveryAdopt: z.strictObject({
    address: z.string().min(1).max(300),
    ...webLogin,
    /** The bridge's broker as the device reaches it (this machine's LAN address). */
    mqttHost: z.string().min(1).max(64),
    mqttPort: z.number().int().min(1).max(65535),
    mqttUser: z.string().min(1).max(32).optional(),
    mqttPassword: z.string().min(1).max(32).optional(),
    topic: z.string().min(1).max(32).optional(),
  }),
  // Settings (docs/configuration.md): applied live; secrets go to the secret store, never back to the UI.
  getConfig: null,
  /** A JSON merge patch (RFC 7386) of the config: objects merge, `null` removes, anything else replaces. */
  patchConfig: z.strictObject({
    patch: z.record(z.string(), z.unknown()),
    /** Secrets that belong to the patch (a username with its password), checked with it as one change. */
    secrets: z
      .array(z.strictObject({ path: secretPath, value: z.string().min(1).max(4096) }))
      .max(8)
      .optional(),
  }),
  setSecret: z.strictObject({ path: secretPath, value: z.string().min(1).max(4096) }),
  deleteSecret: z.strictObject({ path: secretPath }),
  testBrokerConnection: z.strictObject({
    url: z.string().min(1).max(500),
    username: z.string().max(200).optional(),
    /** Absent: the stored password of the output broker, if the URL is the configured one. */
    password: z.string().max(500).optional(),
    clientId: z.string().min(1).max(200).optional(),
    protocolVersion: z.union([z.literal(4), z.literal(5)]).optional(),
    ca: z.string().max(1000).optional(),
    cert: z.string().max(1000).optional(),
    key: z.string().max(1000).optional(),
    rejectUnauthorized: z.boolean().optional(),
  }),
  /** Connect's last step: the probed source joins the config (its keys go to the secret store). */
  addSource: z.strictObject({
    source: sourceSchema,
    key: aesKey.optional(),
    authKey: aesKey.optional(),
  }),
  // History: the range in buckets (about `points`, the chart's width); the CSV of a range at full resolution.
  getHistory: historyQuerySchema,
  exportHistoryCsv: historyQuerySchema,
} as const satisfies { [M in ApiMethod]: z.ZodType | null };

/** Where a secret's value comes from; the value itself never leaves the core. */
export type SecretOrigin = 'config' | 'env' | 'file' | 'store';

export interface SettingsView {
  /** The config with defaults applied and every secret left out. */
  config: BridgeConfig;
  /** Per secret path (`broker.password`, `meters.35012345.key`, `sources.0.key`): set, and from where. */
  secrets: Record<string, SecretOrigin>;
  /** The file changes are written to; it does not exist yet while `created` is false. */
  path: string;
  created: boolean;
  /** How secrets set from the UI are kept (electron/core/secrets/secret-store.ts). */
  protection: 'os' | 'file' | 'weak';
}

/** A refused change lists each problem as `key: reason`, and nothing was changed. */
export type ConfigChangeResult = { ok: true; settings: SettingsView } | { ok: false; problems: string[] };

export type BrokerTestResult =
  | { ok: true; protocolVersion: 4 | 5 }
  | { ok: false; kind: 'dns' | 'refused' | 'timeout' | 'tls' | 'auth' | 'other'; message: string };

/** Each method's result. */
interface ApiResults {
  getHistory: HistorySeries[];
  exportHistoryCsv: { filename: string; csv: string };
  getBridge: BridgeView;
  getDiagnostics: DiagnosticsView;
  listSerialPorts: SerialPortView[];
  probeSerialPort: SerialProbeView;
  discoveryList: DiscoveryView;
  discoveryProbe: ProbeOutcome;
  discoveryScan: { ok: true; found: number; stopped: boolean } | { ok: false; error: { message: string } };
  /** True when a scan was running. */
  discoveryStopScan: boolean;
  discoveryBrowseMdns: { ok: true; found: number } | { ok: false; error: { message: string } };
  discoveryAdopt: AdoptResult;
  getConfig: SettingsView;
  patchConfig: ConfigChangeResult;
  setSecret: ConfigChangeResult;
  deleteSecret: ConfigChangeResult;
  testBrokerConnection: BrokerTestResult;
  addSource: ConfigChangeResult;
}

type ParamsOf<S> = S extends z.ZodType ? z.infer<S> : undefined;
/** What a caller sends may leave out what the schema fills in with defaults. */
type InputOf<S> = S extends z.ZodType ? z.input<S> : undefined;

/** Method name → its params as the handler gets them (`undefined`: none), as a caller may send them, its result. */
export type ApiMethods = {
  [M in ApiMethod]: {
    params: ParamsOf<(typeof API_METHODS)[M]>;
    input: InputOf<(typeof API_METHODS)[M]>;
    result: ApiResults[M];
  };
};
export type ApiParams<M extends ApiMethod> = ApiMethods[M]['params'];
export type ApiResult<M extends ApiMethod> = ApiMethods[M]['result'];
/** The arguments of a call: the params, or nothing for a method that takes none. */
export type ApiArgs<M extends ApiMethod> = ApiParams<M> extends undefined ? [] : [params: ApiMethods[M]['input']];

export type ApiRequest = {
  [M in ApiMethod]: { id: number; method: M } & (ApiParams<M> extends undefined ? unknown : { params: ApiParams<M> });
}[ApiMethod];

function methodRequest(method: ApiMethod) {
  const params = API_METHODS[method];
  return params
    ? z.strictObject({ id: requestId, method: z.literal(method), params })
    : z.strictObject({ id: requestId, method: z.literal(method) });
}

const [first, ...rest] = API_METHOD_NAMES.map(methodRequest);

/** The one request schema, derived from the table: a known method, an id, and params exactly when it takes them. */
export const apiRequestSchema = z.discriminatedUnion('method', [first!, ...rest]) as unknown as z.ZodType<ApiRequest>;

/** What the core failed at, when the UI must tell cases apart (e.g. a key that does not decrypt the meter's frames). */
export interface ApiError {
  message: string;
  kind?: string;
}

/** Thrown by a handler to answer with an error of that kind, e.g. `auth` for a key that decrypts nothing. */
export class ApiFailure extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

export type ApiResponse<M extends ApiMethod = ApiMethod> =
  { id: number; ok: true; result: ApiResult<M> } | { id: number | null; ok: false; error: ApiError };

/**
 * Pushed by the core: the whole bridge view whenever something changed (at most a few times a second); while
 * discovery runs, its found list when it changed, scan progress and each adopt step.
 */
export type ApiEvent =
  | { event: 'bridge'; data: BridgeView }
  | { event: 'discovery'; data: DiscoveryView }
  | { event: 'discoveryScan'; data: ScanProgress & { running: boolean } }
  | { event: 'discoveryAdopt'; data: AdoptProgress }
  /** The serial ports, when one was plugged in or out (watched for a while after each listSerialPorts). */
  | { event: 'serialPorts'; data: SerialPortView[] };
