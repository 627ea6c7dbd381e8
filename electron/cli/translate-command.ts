/** `smartmeter-bridge translate`: raw gateway MQTT in, the profile out, one of N instances sharing the work. */
import { once } from 'node:events';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { baseTopicError } from '../../shared/profile/index.ts';
import type { GatewayConfig } from '../../shared/sources/index.ts';
import { timeZoneError } from '../../shared/time.ts';
import { packageVersion } from '../core/build-info.ts';
import { createLogger, type LogFormat, type LogLevel } from '../core/service/logger.ts';
import { startHealthServer, type HealthServer } from '../core/translate/health-server.ts';
import { TranslateService } from '../core/translate/translate-service.ts';
import type { CliIo } from './io.ts';

export const TRANSLATE_USAGE = `usage: smartmeter-bridge translate --broker URL [--group NAME] [--instance-id ID] [--gateway LIST]
         [--base-topic TOPIC] [--health HOST:PORT|off] [--log-format text|json] [--log-level LEVEL] ...

Translates raw gateway MQTT (gPlug/Tasmota, smartmeter-datacollector, RL-DSP) on one broker into the harmonized
profile on the same broker; no serial ports, no UI, no embedded broker. Run several side by side: they share the work
through MQTT 5 shared subscriptions (docs/scale-out.md).
  --broker          mqtt:// or mqtts:// URL of an MQTT 5 broker (or SMARTMETER_BROKER_URL)
  --username        broker login (or SMARTMETER_BROKER_USERNAME); the password only from SMARTMETER_BROKER_PASSWORD
  --group           shared subscription group, the same for every instance (default smartmeter-bridge)
  --instance-id     this instance's stable name: its broker session and <base>/bridge/<id>/ (default host name-pid)
  --gateway         tasmota, datacollector, rl-dsp, comma-separated (default tasmota)
  --base-topic      the profile's base topic (default smartmeter)
  --ha-discovery    Home Assistant discovery prefix, or off (default homeassistant, as serve)
  --rl-dsp          also publish RL-DSP bundles on dt/GROUP/<meter>/ds, or off (default off)
  --rl-dsp-scale    base (W, Wh, as smartmeter-datacollector) or kilo (kW, kWh) (default base)
  --time-zone       IANA zone of gateway clocks without an offset (default: the gPlug's, Europe/Zurich)
  --health          where GET /healthz answers (default 127.0.0.1:8097; 0.0.0.0:8097 in a container; off)
  --session-expiry  seconds the broker keeps an absent instance's session and messages (default 600)
  --offline-after   seconds without a reading before a meter is reported offline (default 60)
  --stats-interval  seconds between <base>/bridge/<id>/stats messages (default 10)
  --max-delay       ms a reading may have waited at the broker and still go to the live topics, below the meters'
                    interval; longer goes to <base>/<id>/late (default 500)
  --log-format      text (default) or json (one JSON object per line)
  --log-level       debug, info (default), warn or error`;

const seconds = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 / 1000);
const nameLevel = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/u, 'use 1 to 64 letters, digits, ".", "_" or "-" (one topic level)');

/** A topic root the profile accepts (no wildcards, no `$`, ...); `what` names it in the message. */
const topicRoot = (what: string) =>
  z.string().superRefine((root, ctx) => {
    const problem = baseTopicError(root);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.replace('base topic', what) });
  });

const optionsSchema = z.object({
  broker: z
    .string({ error: 'the broker URL is required (--broker or SMARTMETER_BROKER_URL)' })
    .regex(/^(mqtts?|wss?):\/\/./u, 'expected an mqtt://, mqtts://, ws:// or wss:// URL'),
  username: z.string().optional(),
  group: nameLevel,
  'instance-id': nameLevel,
  gateway: z
    .string()
    .transform((list) => [...new Set(list.split(',').map((g) => g.trim()))])
    .pipe(z.array(z.enum(['tasmota', 'datacollector', 'rl-dsp'])).min(1)),
  'base-topic': topicRoot('base topic'),
  'ha-discovery': z.literal('off').or(topicRoot('discovery prefix')),
  'rl-dsp': z.literal('off').or(nameLevel),
  'rl-dsp-scale': z.enum(['base', 'kilo']),
  'time-zone': z
    .string()
    .optional()
    .superRefine((zone, ctx) => {
      const problem = zone === undefined ? undefined : timeZoneError(zone);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  health: z
    .string()
    .regex(/^(off|(\[[0-9a-fA-F:]+\]|[^:]+):\d{1,5})$/u, 'expected HOST:PORT (e.g. 127.0.0.1:8097) or off')
    .transform((text) => {
      if (text === 'off') return 'off' as const;
      const cut = text.lastIndexOf(':');
      return { host: text.slice(0, cut).replace(/^\[|\]$/gu, ''), port: Number(text.slice(cut + 1)) };
    })
    .refine((h) => h === 'off' || h.port <= 65535, 'the port is at most 65535'),
  'session-expiry': seconds,
  'offline-after': seconds,
  'stats-interval': seconds,
  'max-delay': z.coerce.number().int().positive().max(3_600_000),
  'log-format': z.enum(['text', 'json']),
  'log-level': z.enum(['debug', 'info', 'warn', 'error']),
});

export async function translateCommand(args: string[], io: CliIo): Promise<number> {
  let options: z.infer<typeof optionsSchema>;
  try {
    const { values } = parseArgs({
      args,
      options: {
        broker: { type: 'string' },
        username: { type: 'string' },
        group: { type: 'string', default: 'smartmeter-bridge' },
        'instance-id': { type: 'string' },
        gateway: { type: 'string', default: 'tasmota' },
        'base-topic': { type: 'string', default: 'smartmeter' },
        'ha-discovery': { type: 'string', default: 'homeassistant' },
        'rl-dsp': { type: 'string', default: 'off' },
        'rl-dsp-scale': { type: 'string', default: 'base' },
        'time-zone': { type: 'string' },
        health: { type: 'string', default: '127.0.0.1:8097' },
        'session-expiry': { type: 'string', default: '600' },
        'offline-after': { type: 'string', default: '60' },
        'stats-interval': { type: 'string', default: '10' },
        'max-delay': { type: 'string', default: '500' },
        'log-format': { type: 'string', default: 'text' },
        'log-level': { type: 'string', default: 'info' },
      },
    });
    const env = process.env;
    const parsed = optionsSchema.safeParse({
      ...values,
      broker: values.broker ?? env.SMARTMETER_BROKER_URL,
      username: values.username ?? env.SMARTMETER_BROKER_USERNAME,
      // In a container the host name is stable across restarts and the pid is 1: the session survives a restart.
      'instance-id': values['instance-id'] ?? `${hostname()}-${process.pid}`.replace(/[^A-Za-z0-9_.-]/gu, '_'),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`${issue.path.length ? `--${String(issue.path[0])}: ` : ''}${issue.message}`);
    }
    options = parsed.data;
  } catch (e) {
    io.err(`translate: ${(e as Error).message}\n${TRANSLATE_USAGE}`);
    return 2;
  }

  const log = createLogger(io.err, options['log-level'] as LogLevel, options['log-format'] as LogFormat);
  process.on('unhandledRejection', (reason) => log.error(`internal error (please report it): ${String(reason)}`));
  const timeZone = options['time-zone'];
  const gateways: GatewayConfig[] = options.gateway.map((kind) =>
    kind === 'tasmota' ? { kind, ...(timeZone ? { timeZone } : {}) } : { kind },
  );
  const rlDsp = options['rl-dsp'];
  const discovery = options['ha-discovery'];
  const service = new TranslateService({
    url: options.broker,
    username: options.username,
    password: process.env.SMARTMETER_BROKER_PASSWORD,
    instanceId: options['instance-id'],
    group: options.group,
    baseTopic: options['base-topic'],
    gateways,
    sessionExpirySeconds: options['session-expiry'],
    offlineAfterSeconds: options['offline-after'],
    statsIntervalSeconds: options['stats-interval'],
    maxDelayMs: options['max-delay'],
    ...(discovery !== 'off' ? { homeAssistantPrefix: discovery } : {}),
    ...(rlDsp !== 'off' ? { rlDsp: { group: rlDsp, scale: options['rl-dsp-scale'] } } : {}),
    version: packageVersion(),
    log,
  });
  service.on('ready', (ready) => {
    if (!io.signal?.aborted) log.info(ready ? 'ready' : 'not ready: reconnecting to the broker');
  });
  let health: HealthServer | undefined;
  if (options.health !== 'off') {
    try {
      const { host, port } = options.health;
      health = await startHealthServer(
        host,
        port,
        () => service.ready,
        () => ({ ...service.status() }),
      );
      log.info(`readiness on ${health.url}`);
    } catch (e) {
      log.error(
        `cannot serve /healthz on ${args.includes('--health') ? 'the --health address' : '127.0.0.1:8097'}: ${(e as Error).message}`,
      );
      return 1;
    }
  }
  log.info(`instance ${options['instance-id']} in group ${options.group}, reading ${service.sharedFilters.join(', ')}`);
  const starting = service.start();
  if (io.signal && !io.signal.aborted) await once(io.signal, 'abort');
  log.info('stopping');
  await Promise.all([service.stop(), health?.close()]);
  await starting;
  if (io.exit) setTimeout(() => io.exit?.(0), 2000).unref();
  return 0;
}
