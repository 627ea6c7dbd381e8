/**
 * Changes to the config made through the api: validated by the one schema, written back atomically with the file's
 * comments and layout kept (YAML Document API), and handed to whoever applies them live. A change that does not
 * validate is refused with its key and reason and changes nothing, neither the file nor the running bridge.
 * Secrets set here go to the secret store, never into the config file, which only names them.
 */
import { existsSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { Document } from 'yaml';
import type { SecretOrigin, SettingsView } from '../../../shared/api.ts';
import { configSchema, type SecretRef, type SourceConfig } from '../../../shared/config/schema.ts';
import { makeDirs } from '../fs/make-dirs.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { writeFileAtomically } from './atomic-write.ts';
import { readConfigDocument, validateConfig, type ResolvedConfig, type SecretLookup } from './load-config.ts';
import { applyChanges } from './yaml-changes.ts';
import { isJsonObject, mergePatch, setAtPath, type JsonValue } from './merge-patch.ts';

/** What the Settings pages show: see SettingsView in shared/api.ts. */
export type ConfigView = Omit<SettingsView, 'protection'>;

/** A secret set together with a patch: the field's path and its value. */
export interface SecretValue {
  path: readonly string[];
  value: string;
}

export type ChangeResult = { ok: true; config: ResolvedConfig } | { ok: false; problems: string[] };

/** A secret store the config loader can read synchronously (references are resolved while validating). */
export type ReadableSecretStore = SecretStore & { lookup: SecretLookup };

export interface ConfigEditorOptions {
  /** The config file serve was started with; absent: `config.yaml` in the data dir, written on the first change. */
  path?: string;
  dataDir: string;
  secrets: ReadableSecretStore;
  env?: NodeJS.ProcessEnv;
  /** Applies a validated config to the running bridge; the file is written only once it resolved. */
  apply: (config: ResolvedConfig) => Promise<void>;
}

export const DEFAULT_CONFIG_FILE = 'config.yaml';

/** The paths of every secret field in a config (never `broker.key`: that one is a file path). */
export function secretPaths(config: Partial<Record<string, unknown>>): string[][] {
  const paths: string[][] = [
    ['broker', 'password'],
    ['embeddedBroker', 'password'],
    ['ui', 'password'],
  ];
  const sources = Array.isArray(config.sources) ? config.sources : [];
  sources.forEach((_, i) => paths.push(...['password', 'key', 'authKey'].map((f) => ['sources', String(i), f])));
  const meters = (config.meters ?? {}) as Record<string, unknown>;
  for (const id of Object.keys(meters)) paths.push(['meters', id, 'key'], ['meters', id, 'authKey']);
  return paths;
}

function getPath(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((at, p) => (at !== null && typeof at === 'object' ? (at as never)[p] : undefined), value);
}

function origin(ref: SecretRef): SecretOrigin {
  if (typeof ref === 'string') return 'config';
  return 'env' in ref ? 'env' : 'file' in ref ? 'file' : 'store';
}

/** A reference to the secret store in the config, if that is what `value` is. */
function storedName(value: unknown): string | undefined {
  return isJsonObject(value) && typeof value.secret === 'string' ? value.secret : undefined;
}

export class ConfigEditor {
  readonly path: string;
  private doc: Document;
  private input: JsonValue;
  private created: boolean;
  /** Changes one at a time: each validates against the config the previous one left. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ConfigEditorOptions) {
    this.path = resolve(options.path ?? join(options.dataDir, DEFAULT_CONFIG_FILE));
    this.created = existsSync(this.path);
    this.doc = new Document({});
    this.input = {};
    if (this.created) {
      const read = readConfigDocument(this.path);
      if (!read.ok) throw new Error(read.problems.join('; '));
      this.doc = read.doc;
      this.input = (read.input ?? {}) as JsonValue;
    }
  }

  view(): ConfigView {
    const config = configSchema.parse(this.input);
    const secrets: Record<string, SecretOrigin> = {};
    for (const path of secretPaths(config)) {
      const ref = getPath(config, path) as SecretRef | undefined;
      if (ref === undefined) continue;
      secrets[path.join('.')] = origin(ref);
      const parent = getPath(config, path.slice(0, -1)) as Record<string, unknown>;
      delete parent[path[path.length - 1]!];
    }
    return { config, secrets, path: this.path, created: this.created };
  }

  /**
   * Changes the config by a JSON merge patch (RFC 7386: objects merge, `null` removes, anything else replaces).
   * Secrets cannot be given in the patch as text: they come apart in `secrets`, kept in the store and never in the
   * file, and are checked with the patch as one change (a password is refused without its username).
   */
  patch(patch: unknown, secrets: readonly SecretValue[] = []): Promise<ChangeResult> {
    return this.serially(async () => {
      let next = mergePatch(this.input, patch as JsonValue);
      const literal = secretPaths(next as Record<string, unknown>).find((path) => {
        const value = getPath(next, path);
        return typeof value === 'string' && value !== getPath(this.input, path);
      });
      if (literal) {
        return { ok: false, problems: [`${literal.join('.')}: set secrets with setSecret, not in the config`] };
      }
      const values: Record<string, string> = {};
      for (const { path, value } of secrets) {
        const where = path.join('.');
        if (!secretPaths(next as Record<string, unknown>).some((p) => p.join('.') === where)) {
          return { ok: false, problems: [`${where}: not a secret field`] };
        }
        const name = this.secretName(path, Object.keys(values));
        next = setAtPath(next, path, { secret: name });
        values[name] = value;
      }
      return this.commitWithSecrets(next, values);
    });
  }

  /** Keeps `value` in the secret store and points the config's field at it; refused if the config then fails. */
  setSecret(path: readonly string[], value: string): Promise<ChangeResult> {
    return this.serially(async () => {
      const where = path.join('.');
      // A meter's key may be the first thing set for it (Meter settings of a meter not listed under `meters` yet).
      const meterKey = path.length === 3 && path[0] === 'meters' && (path[2] === 'key' || path[2] === 'authKey');
      if (!meterKey && !secretPaths(this.input as Record<string, unknown>).some((p) => p.join('.') === where)) {
        return { ok: false, problems: [`${where}: not a secret field`] };
      }
      const name = this.secretName(path, []);
      return this.commitWithSecrets(setAtPath(this.input, path, { secret: name }), { [name]: value });
    });
  }

  /** Appends a source (Connect's last step), its keys kept in the secret store. */
  addSource(source: SourceConfig, keys: { key?: string; authKey?: string }): Promise<ChangeResult> {
    return this.serially(async () => {
      const sources = getPath(this.input, ['sources']);
      const index = Array.isArray(sources) ? sources.length : 0;
      const literal = ['key', 'authKey', 'password'].find((f) => typeof getPath(source, [f]) === 'string');
      if (literal) return { ok: false, problems: [`sources[${index}].${literal}: give keys and passwords apart`] };
      const entry: { [key: string]: JsonValue } = { ...(source as { [key: string]: JsonValue }) };
      const values: Record<string, string> = {};
      for (const field of ['key', 'authKey'] as const) {
        const value = keys[field];
        if (value === undefined) continue;
        const name = this.secretName(['sources', String(index), field], Object.keys(values));
        entry[field] = { secret: name };
        values[name] = value;
      }
      const next = { ...(this.input as object), sources: [...(Array.isArray(sources) ? sources : []), entry] };
      return this.commitWithSecrets(next as JsonValue, values);
    });
  }

  /**
   * The name for the secret of the field at `path`: the one it already has in the store, else its path
   * (`meters.35012345.key`), numbered on where that is taken (sources shift when one is removed).
   */
  private secretName(path: readonly string[], taken: readonly string[]): string {
    const current = storedName(getPath(this.input, path));
    if (current) return current;
    const base = path.join('.');
    const used = (name: string) => taken.includes(name) || this.options.secrets.lookup(name) !== undefined;
    let name = base;
    for (let n = 2; used(name); n++) name = `${base}-${n}`;
    return name;
  }

  private commitWithSecrets(next: JsonValue, values: Record<string, string>): Promise<ChangeResult> {
    const lookup: SecretLookup = (n) => values[n] ?? this.options.secrets.lookup(n);
    return this.commit(next, lookup, async () => {
      for (const [name, value] of Object.entries(values)) await this.options.secrets.set(name, value);
    });
  }

  /** Removes the field (and its value in the store, if it was kept there). */
  deleteSecret(path: readonly string[]): Promise<ChangeResult> {
    return this.serially(async () => {
      const next = setAtPath(this.input, path, undefined);
      const stored = storedName(getPath(this.input, path));
      return this.commit(next, this.options.secrets.lookup, async () => {
        if (stored) await this.options.secrets.delete(stored);
      });
    });
  }

  private serially(change: () => Promise<ChangeResult>): Promise<ChangeResult> {
    const result = this.queue.then(change, change);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async commit(next: JsonValue, secrets: SecretLookup, store?: () => Promise<void>): Promise<ChangeResult> {
    const checked = validateConfig(next, dirname(this.path), this.options.env ?? process.env, secrets);
    if (!checked.ok) return checked;
    await store?.();
    await this.options.apply(checked.config);
    this.write(next);
    return checked;
  }

  private write(next: JsonValue): void {
    const json = extname(this.path).toLowerCase() === '.json';
    if (!json) applyChanges(this.doc, this.input, next);
    makeDirs(dirname(this.path));
    writeFileAtomically(this.path, json ? `${JSON.stringify(next, null, 2)}\n` : this.doc.toString());
    this.input = next;
    this.created = true;
  }
}
