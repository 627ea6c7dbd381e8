/**
 * Reads, validates and resolves the config file. A bad config names the key, the value and what is expected, and
 * nothing starts half-configured: the caller gets either a whole config or the list of problems.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isScalar, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { configSchema, type BridgeConfig, type SecretRef } from '../../../shared/config/schema.ts';
import { baseTopicError } from '../../../shared/profile/index.ts';
import { parseHex } from '../../../shared/protocols/hex.ts';
import { timeZoneError } from '../../../shared/time.ts';
import { pemProblem, writableDirProblem } from './file-checks.ts';
import { isLoopback } from './loopback.ts';
import { reachesBroker } from './same-broker.ts';
import { Secret } from './secret.ts';

/** The config with every secret read and wrapped, key strings turned into bytes, and relative paths made absolute. */
export interface ResolvedConfig extends Omit<BridgeConfig, 'broker' | 'embeddedBroker' | 'sources' | 'ui' | 'meters'> {
  broker: Omit<BridgeConfig['broker'], 'password'> & { password?: Secret };
  embeddedBroker: Omit<BridgeConfig['embeddedBroker'], 'password'> & { enabled: boolean; password?: Secret };
  sources: ResolvedSource[];
  ui: Omit<BridgeConfig['ui'], 'password'> & { password?: Secret };
  meters: Record<string, { alias?: string; key?: Secret<Uint8Array>; authKey?: Secret<Uint8Array> }>;
}

type SourceConfig = BridgeConfig['sources'][number];
export type ResolvedSource = SourceConfig extends infer S
  ? S extends SourceConfig
    ? Omit<S, 'key' | 'authKey' | 'password'> & {
        id: string;
        key?: Secret<Uint8Array>;
        authKey?: Secret<Uint8Array>;
        password?: Secret;
      }
    : never
  : never;

export type ConfigResult = { ok: true; config: ResolvedConfig } | { ok: false; problems: string[] };

const SECRET_FIELDS = /(password|key|authKey)$/i;

function describePath(path: readonly PropertyKey[]): string {
  return (
    path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('') ||
    '(top level)'
  );
}

/** Where text was expected, a number means YAML read digits as a number, losing leading zeros or precision. */
function readAsNumber(issue: z.core.$ZodIssue): boolean {
  if (!('input' in issue) || typeof issue.input !== 'number') return false;
  if (issue.code === 'invalid_type') return issue.expected === 'string';
  return issue.code === 'invalid_union';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = describePath(issue.path);
  const secret = issue.path.some((p) => typeof p === 'string' && SECRET_FIELDS.test(p));
  const got =
    'input' in issue && issue.input !== undefined && issue.code !== 'unrecognized_keys'
      ? ` (got ${secret ? '***' : JSON.stringify(issue.input)})`
      : '';
  const hint = readAsNumber(issue) ? ': YAML reads a value of only digits as a number; put it in quotes ("...")' : '';
  return `${where}: ${issue.message}${got}${hint}`;
}

/** Looks a `{ secret: name }` reference up in the secret store. */
export type SecretLookup = (name: string) => string | undefined;

interface Resolver {
  problems: string[];
  baseDir: string;
  env: NodeJS.ProcessEnv;
  secrets: SecretLookup;
}

function readSecret(ref: SecretRef | undefined, where: string, r: Resolver): string | undefined {
  if (ref === undefined) return undefined;
  if (typeof ref === 'string') return ref;
  if ('env' in ref) {
    const value = r.env[ref.env];
    if (value === undefined || value === '') r.problems.push(`${where}: environment variable ${ref.env} is not set`);
    return value || undefined;
  }
  if ('secret' in ref) {
    const value = r.secrets(ref.secret);
    if (value === undefined) r.problems.push(`${where}: the secret ${ref.secret} is not in the secret store`);
    return value;
  }
  const path = isAbsolute(ref.file) ? ref.file : resolve(r.baseDir, ref.file);
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (e) {
    r.problems.push(
      `${where}: cannot read secret file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
    return undefined;
  }
}

function readKey(ref: SecretRef | undefined, where: string, r: Resolver): Secret<Uint8Array> | undefined {
  const text = readSecret(ref, where, r);
  if (text === undefined) return undefined;
  const hex = parseHex(text);
  if (!hex.ok || hex.bytes.length !== 16) {
    r.problems.push(`${where}: expected an AES-128 key of 32 hex digits`);
    return undefined;
  }
  return new Secret(hex.bytes);
}

function wrap(text: string | undefined): Secret | undefined {
  return text === undefined ? undefined : new Secret(text);
}

function resolveConfig(config: BridgeConfig, r: Resolver): ResolvedConfig {
  const broker = { ...config.broker, password: wrap(readSecret(config.broker.password, 'broker.password', r)) };
  for (const file of ['ca', 'cert', 'key'] as const) {
    const path = broker[file];
    if (path === undefined) continue;
    broker[file] = isAbsolute(path) ? path : resolve(r.baseDir, path);
    const problem = pemProblem(broker[file], file === 'key' ? 'key' : 'certificate');
    if (problem) r.problems.push(`broker.${file}: ${problem}`);
  }
  const queue = { ...config.queue, dir: config.queue.dir && resolve(r.baseDir, config.queue.dir) };
  const embedded = config.embeddedBroker;
  const embeddedBroker = {
    ...embedded,
    enabled: embedded.enabled ?? config.broker.url === undefined,
    password: wrap(readSecret(embedded.password, 'embeddedBroker.password', r)),
  };
  if (embeddedBroker.enabled && !isLoopback(embedded.host) && !(embedded.username && embeddedBroker.password)) {
    r.problems.push(
      `embeddedBroker.host: listening on ${embedded.host} (not loopback) requires embeddedBroker.username and embeddedBroker.password`,
    );
  }
  if (config.broker.url === undefined && config.broker.protocolVersion === 5) {
    r.problems.push('broker.protocolVersion: the embedded broker speaks MQTT 3.1.1 (4) only; use 4, or set broker.url');
  }
  if (!embeddedBroker.enabled && config.broker.url === undefined) {
    r.problems.push('broker.url: no broker to publish to: set broker.url or enable embeddedBroker');
  }
  const ui = { ...config.ui, password: wrap(readSecret(config.ui.password, 'ui.password', r)) };
  if ((config.ui.requireLogin || !isLoopback(config.ui.host)) && !ui.password) {
    const why = config.ui.requireLogin ? 'ui.requireLogin is set' : `ui.host ${config.ui.host} is not loopback`;
    r.problems.push(`ui.password: required when ${why}: set a password or long token for the UI's login`);
  }
  const topicError = baseTopicError(config.profile.baseTopic);
  if (topicError) r.problems.push(`profile.baseTopic: ${topicError}`);
  const zoneProblem = config.timeZone === undefined ? undefined : timeZoneError(config.timeZone);
  if (zoneProblem) r.problems.push(`timeZone: ${zoneProblem}`);
  const ids = new Set<string>();
  const serialPorts = new Map<string, string>();
  const sources = config.sources.map((source, i): ResolvedSource => {
    const where = `sources[${i}]`;
    const id = source.id ?? `${source.type}${i + 1}`;
    if (ids.has(id)) r.problems.push(`${where}.id: ${JSON.stringify(id)} is used twice`);
    ids.add(id);
    if (source.type === 'serial') {
      // A port opens once: the second source would retry forever, blaming "another program" that is this bridge.
      const port = /^com\d+$/i.test(source.port) ? source.port.toUpperCase() : source.port;
      const first = serialPorts.get(port);
      if (first) r.problems.push(`${where}.port: ${source.port} is read by ${first} already; a port has one source`);
      else serialPorts.set(port, where);
    }
    if (source.type === 'mqtt') {
      const embeddedUrl = `mqtt://${embedded.host.includes(':') ? `[${embedded.host}]` : embedded.host}:${embedded.port}`;
      const url = source.url ?? config.broker.url ?? embeddedUrl;
      if (source.protocolVersion === 5 && embeddedBroker.enabled && reachesBroker(url, embeddedUrl)) {
        r.problems.push(`${where}.protocolVersion: the embedded broker speaks MQTT 3.1.1 (4) only`);
      }
      return { ...source, id, password: wrap(readSecret(source.password, `${where}.password`, r)) } as ResolvedSource;
    }
    const { key, authKey, ...rest } = source;
    return {
      ...rest,
      id,
      key: readKey(key, `${where}.key`, r),
      authKey: readKey(authKey, `${where}.authKey`, r),
    } as ResolvedSource;
  });
  const meters = Object.fromEntries(
    Object.entries(config.meters).map(([id, m]) => [
      id,
      {
        alias: m.alias,
        key: readKey(m.key, `meters.${id}.key`, r),
        authKey: readKey(m.authKey, `meters.${id}.authKey`, r),
      },
    ]),
  );
  return { ...config, broker, embeddedBroker, queue, sources, ui, meters };
}

/** Validates an already parsed config object (from a file, the UI or the api). */
export function validateConfig(
  input: unknown,
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
  secrets: SecretLookup = () => undefined,
): ConfigResult {
  const parsed = configSchema.safeParse(input ?? {}, { reportInput: true });
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map(describeIssue) };
  const resolver: Resolver = { problems: [], baseDir, env, secrets };
  const config = resolveConfig(parsed.data, resolver);
  // Last, and only for an otherwise good config, since it creates the folder.
  const dirProblem = resolver.problems.length || !config.queue.dir ? undefined : writableDirProblem(config.queue.dir);
  if (dirProblem) resolver.problems.push(`queue.dir: ${dirProblem}`);
  return resolver.problems.length ? { ok: false, problems: resolver.problems } : { ok: true, config };
}

/** A config file as parsed: its YAML document (comments and all) and its plain value. */
export type ConfigDocument = { ok: true; doc: Document; input: unknown } | { ok: false; problems: string[] };

/** Reads and parses a YAML or JSON config file, without validating it. */
export function readConfigDocument(path: string): ConfigDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return {
      ok: false,
      problems: [`cannot read config file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`],
    };
  }
  try {
    const doc = parseDocument(text);
    if (doc.errors[0]) throw doc.errors[0];
    // Keys are names (meter IDs, 0012345678): digits stay as written rather than becoming a number.
    const named = doc.clone();
    visit(named, {
      Pair(_, pair) {
        if (isScalar(pair.key) && typeof pair.key.value === 'number' && pair.key.source)
          pair.key.value = pair.key.source;
      },
    });
    return { ok: true, doc, input: named.toJS() }; // toJS throws on alias bombs, among others
  } catch (e) {
    return { ok: false, problems: [`${path}: not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`] };
  }
}

/** Reads a YAML or JSON config file; no path means the defaults (embedded broker, no sources yet). */
export function loadConfig(
  path: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  secrets?: SecretLookup,
): ConfigResult {
  if (path === undefined) return validateConfig({}, process.cwd(), env, secrets);
  const read = readConfigDocument(path);
  if (!read.ok) return read;
  return validateConfig(read.input, dirname(resolve(path)), env, secrets);
}
