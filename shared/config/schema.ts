/**
 * The bridge's configuration: one schema for the config file, the UI's settings form and the api. Every field has a
 * default that does something useful, so an empty config runs an embedded broker on loopback and publishes there.
 */
import { z } from 'zod';
import { WMBUS_LINK_MODES, WMBUS_STICKS } from '../protocols/wmbus/sticks/names.ts';

/** A secret in the bridge's secret store (set from the UI), by the name it has there. */
const storedSecret = z.strictObject({
  secret: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'expected a secret name'),
});

/** A secret given literally, or by reference so that it need not sit in the config file. */
export const secretSchema = z.union([
  z.string().min(1),
  z.strictObject({ env: z.string().min(1) }),
  z.strictObject({ file: z.string().min(1) }),
  storedSecret,
]);
export type SecretRef = z.infer<typeof secretSchema>;

const hexKey = z.union([
  z
    .string()
    .transform((s) => s.replace(/[\s:-]/g, ''))
    .pipe(z.string().regex(/^[0-9a-fA-F]{32}$/, 'expected an AES-128 key of 32 hex digits')),
  z.strictObject({ env: z.string().min(1) }),
  z.strictObject({ file: z.string().min(1) }),
  storedSecret,
]);

const port = z.number().int().min(1).max(65535);
const protocolChoice = z.enum(['auto', 'dsmr', 'dlms', 'mbus', 'sml', 'iec62056-21', 'wmbus']);

const lineSettings = z.strictObject({
  baudRate: z.number().int().positive(),
  dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
});

const meterKeys = { key: hexKey.optional(), authKey: hexKey.optional() };

/** Meters one source may bring; more are refused and counted, so made-up meter IDs cannot grow memory or flood HA. */
const sourceLimits = {
  maxMeters: z.number().int().positive().default(1000),
  /**
   * A meter offline and silent this long leaves the count once the source is full, so fake meters announced once
   * cannot keep a real new one out until a restart.
   */
  silentMeterSeconds: z.number().int().positive().default(600),
};

/** IEC 62056-21 meters on a serial port: D pushes on its own; C is asked every pollSeconds (docs/configuration.md). */
const iecOptions = {
  mode: z.enum(['C', 'D']).optional(),
  pollSeconds: z.number().min(1).max(86_400).optional(),
  /** The device address for `/?<address>!`; absent: whichever meter is at the optical port. */
  address: z
    .string()
    .regex(/^[0-9A-Za-z ]{0,32}$/, 'expected up to 32 digits, letters or spaces')
    .optional(),
  /** The fastest rate to acknowledge (some optical heads stop at 9600); absent: what the meter offers. */
  maxBaudRate: z.union([300, 600, 1200, 2400, 4800, 9600, 19200].map((r) => z.literal(r))).optional(),
};

/** Wireless M-Bus through a USB stick: its serial framing, and the radio mode it is set to at every open. */
const wmbusOptions = {
  stick: z.enum(WMBUS_STICKS).optional(),
  linkMode: z.enum(WMBUS_LINK_MODES).optional(),
};

const serialSource = z
  .strictObject({
    type: z.literal('serial'),
    id: z.string().min(1).optional(),
    /** /dev/ttyUSB0, /dev/serial/by-id/..., COM3 */
    port: z.string().min(1),
    /** `auto` tries the known line settings in turn (see docs/adapters.md). */
    settings: z.union([z.literal('auto'), lineSettings]).default('auto'),
    protocol: protocolChoice.default('auto'),
    family: z.string().optional(),
    ...iecOptions,
    ...wmbusOptions,
    ...meterKeys,
    ...sourceLimits,
  })
  .superRefine((source, ctx) => {
    const misplaced = (key: keyof typeof iecOptions | keyof typeof wmbusOptions, why: string) =>
      source[key] !== undefined && ctx.addIssue({ code: 'custom', path: [key], message: why, input: source[key] });
    if (source.protocol !== 'iec62056-21') misplaced('mode', 'only for protocol: iec62056-21');
    if (source.protocol !== 'wmbus') misplaced('stick', 'only for protocol: wmbus');
    if (source.stick !== 'im871a' && source.stick !== 'amber') {
      misplaced('linkMode', 'only for stick: im871a or amber (a raw stick is set up with its own tool)');
    }
    for (const key of ['pollSeconds', 'address', 'maxBaudRate'] as const) {
      if (source.mode !== 'C') misplaced(key, 'only for protocol: iec62056-21 with mode: C');
    }
    if (source.mode === 'C' && source.settings !== 'auto') {
      ctx.addIssue({
        code: 'custom',
        path: ['settings'],
        input: source.settings,
        message: 'mode C signs on at 300 7E1 and switches to the rate the meter offers: leave settings out',
      });
    }
  });

const tcpSource = z.strictObject({
  type: z.literal('tcp'),
  id: z.string().min(1).optional(),
  host: z.string().min(1),
  port,
  protocol: protocolChoice.default('auto'),
  family: z.string().optional(),
  /** A wireless M-Bus stick behind a serial server (ser2net): its framing; it is set up with its own tool. */
  stick: wmbusOptions.stick,
  ...meterKeys,
  ...sourceLimits,
});

/**
 * MQTT 3.1.1 (3.1.2.9) forbids a password without a user name: brokers close such a connection with no reason given,
 * and the embedded broker would take it as "no login" and stay open to anonymous clients.
 */
function passwordNeedsUsername(login: { username?: string; password?: unknown }, ctx: z.RefinementCtx): void {
  if (login.password === undefined || login.username) return;
  ctx.addIssue({
    code: 'custom',
    path: ['password'],
    message: 'a password needs a username (MQTT forbids a password alone): set username too, or remove password',
  });
}

const mqttSource = z
  .strictObject({
    type: z.literal('mqtt'),
    id: z.string().min(1).optional(),
    gateway: z.enum(['tasmota', 'datacollector', 'rl-dsp']),
    /** The broker the gateway publishes to; absent: the bridge's own output broker. */
    url: z.string().min(1).optional(),
    username: z.string().optional(),
    password: secretSchema.optional(),
    /** 4 = MQTT 3.1.1, 5 = MQTT 5; absent: 3.1.1 towards the embedded broker, 5 elsewhere. */
    protocolVersion: z.union([z.literal(4), z.literal(5)]).optional(),
    /**
     * How long the broker keeps this source's session while the bridge is away (stopped, restarting, crashed), with
     * what the gateways publish meanwhile; 0: a clean session, nothing kept. MQTT 3.1.1 has no expiry of its own: any
     * value above 0 asks for a persistent session, and the broker's setting decides how long (docs/broker.md).
     */
    sessionExpirySeconds: z.number().int().min(0).max(4_294_967_295).default(3600),
    /** Tasmota topic, datacollector meter id or RL-DSP group; absent: every device of that gateway. */
    topic: z.string().min(1).optional(),
    /** gPlug scripts send power in W (older) or kW (newer); `auto` decides per message. */
    powerUnit: z.enum(['auto', 'W', 'kW']).default('auto'),
    /** smartmeter-datacollector: the topic root it publishes under (its own setting; `smartmeter` by default). */
    base: z
      .string()
      .regex(/^[^#+]+$/, 'a topic without MQTT wildcards')
      .optional(),
    /** RL-DSP bundles: `base` (W, Wh, as smartmeter-datacollector's mqttrldsp sink publishes) or `kilo` (kW, kWh). */
    scale: z.enum(['base', 'kilo']).default('base'),
    ...sourceLimits,
  })
  .superRefine(passwordNeedsUsername);

export const sourceSchema = z.discriminatedUnion('type', [serialSource, tcpSource, mqttSource]);
export type SourceConfig = z.infer<typeof sourceSchema>;

const brokerSchema = z
  .strictObject({
    /** mqtt://, mqtts://, ws://, wss://; absent: the embedded broker. */
    url: z
      .string()
      .regex(/^(mqtts?|wss?):\/\/.+/, 'expected an mqtt://, mqtts://, ws:// or wss:// URL')
      .optional(),
    username: z.string().optional(),
    password: secretSchema.optional(),
    clientId: z.string().min(1).optional(),
    protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
    ca: z.string().optional(),
    cert: z.string().optional(),
    key: z.string().optional(),
    /** Only for a broker with a self-signed certificate you cannot add to `ca`. */
    rejectUnauthorized: z.boolean().default(true),
  })
  .superRefine(passwordNeedsUsername);

const embeddedBrokerSchema = z
  .strictObject({
    enabled: z.boolean().optional(),
    host: z.string().default('127.0.0.1'),
    port: port.default(1883),
    username: z.string().optional(),
    password: secretSchema.optional(),
  })
  .superRefine(passwordNeedsUsername);

const meterSchema = z.strictObject({
  alias: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1 to 64 letters, digits, "_" or "-" (it becomes a topic level)')
    .optional(),
  ...meterKeys,
});

export const configSchema = z.strictObject({
  broker: brokerSchema.prefault({}),
  embeddedBroker: embeddedBrokerSchema.prefault({}),
  ui: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: port.default(8099),
      /** Names besides localhost/127.0.0.1/[::1] a browser may use for the UI (e.g. behind a reverse proxy). */
      allowedHosts: z
        .array(
          z
            .string()
            .regex(
              /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)$/,
              'expected a host name without scheme or port, e.g. bridge.lan',
            ),
        )
        .default([]),
      /** The UI's login (a password or long token); required when `host` is not loopback or `requireLogin` is set. */
      password: secretSchema.optional(),
      /** Ask for the password on loopback too (a reverse proxy on this machine that serves the UI to the LAN). */
      requireLogin: z.boolean().default(false),
      /** Api sockets (browser tabs) open at once at most; more are refused with the reason and counted. */
      maxConnections: z.number().int().min(1).max(10_000).default(32),
    })
    .prefault({}),
  profile: z
    .strictObject({
      baseTopic: z.string().default('smartmeter'),
      homeAssistant: z
        .strictObject({ enabled: z.boolean().default(true), prefix: z.string().default('homeassistant') })
        .prefault({}),
      rlDsp: z
        .strictObject({
          enabled: z.boolean().default(false),
          group: z.string().default('smartmeter'),
          /** `base`: W, Wh, … as smartmeter-datacollector's RL-DSP sink publishes; `kilo`: kW, kWh, … */
          scale: z.enum(['base', 'kilo']).default('base'),
        })
        .prefault({}),
      /** A meter is `offline` after this many of its own push intervals without a message. */
      offlineAfterMissed: z.number().int().min(1).default(3),
    })
    .prefault({}),
  /** The on-disk queue that keeps readings while the broker is unreachable (docs/broker.md). */
  queue: z
    .strictObject({
      maxMessages: z.number().int().positive().default(100_000),
      maxBytes: z
        .number()
        .int()
        .positive()
        .default(64 * 1024 * 1024),
      /** Backlog messages replayed per second after an outage, on top of live traffic, so a stock Mosquitto keeps them all. */
      flushRate: z.number().int().nonnegative().default(500),
      /** Messages sent and awaiting the broker's acknowledgement at most. */
      inFlightWindow: z.number().int().positive().default(1000),
      /** Live messages held in memory while the window is full or a backlog replays; beyond it the oldest go to disk. */
      maxPending: z.number().int().positive().default(10_000),
      /** On shutdown: how long to go on sending what is in memory before keeping the rest on disk. */
      shutdownFlushMs: z.number().int().nonnegative().default(5000),
      /** Relative to the config file's folder. */
      dir: z.string().min(1).optional(),
    })
    .prefault({}),
  /** The readings kept for the UI's charts and CSV export, in `history.sqlite` in the data dir. */
  history: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Every reading is kept this long; older ones only as 1-minute and 1-hour aggregates. */
      rawDays: z.number().positive().default(7),
      minuteDays: z.number().positive().default(365),
      hourDays: z.number().positive().default(3650),
      /** The history's data at most; beyond it the oldest raw readings go first, then minutes, then hours. */
      maxMegabytes: z.number().positive().default(1024),
    })
    .prefault({}),
  /** Serial ports the system's list does not show, offered in the UI's port list while they exist. */
  serial: z
    .strictObject({
      /** Paths or simple globs (`*`, `?` in the last part): socat/ser2net ptys, virtual ports; Windows `COM7`. */
      extraPorts: z
        .array(
          z
            .string()
            .regex(
              /^(\/(?!.*\/\.\.(\/|$))[^\0]+|(\\\\\.\\)?COM\d{1,3})$/i,
              'expected an absolute path, a glob such as /tmp/ttyV*, or a Windows COM port such as COM7',
            ),
        )
        .max(64)
        .default([]),
    })
    .prefault({}),
  /** IANA zone for meter clocks without an offset; absent: the machine's zone. */
  timeZone: z.string().optional(),
  sources: z.array(sourceSchema).default([]),
  /** Per meter ID (as decoded): an alias for topics and the keys of encrypted meters. */
  meters: z.record(z.string(), meterSchema).default({}),
});

export type BridgeConfig = z.infer<typeof configSchema>;
