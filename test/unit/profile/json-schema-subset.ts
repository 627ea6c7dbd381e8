/**
 * A small JSON Schema (draft 2020-12) validator for exactly the keywords profile-v1.schema.json uses. It refuses any
 * other keyword, so the schema cannot silently grow beyond what this checks. (With ajv as a dev dependency this file
 * can go.)
 */
type Schema = { readonly [keyword: string]: unknown };

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', '$defs']);
const ASSERTIONS = new Set([
  '$ref',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'patternProperties',
  'enum',
  'const',
  'pattern',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'items',
  'uniqueItems',
]);

function isObject(data: unknown): data is Record<string, unknown> {
  return typeof data === 'object' && data !== null && !Array.isArray(data);
}

function hasType(data: unknown, type: unknown): boolean {
  switch (type) {
    case 'object':
      return isObject(data);
    case 'array':
      return Array.isArray(data);
    case 'string':
      return typeof data === 'string';
    case 'number':
      return typeof data === 'number' && Number.isFinite(data);
    case 'integer':
      return Number.isInteger(data);
    case 'boolean':
      return typeof data === 'boolean';
    case 'null':
      return data === null;
    default:
      throw new Error(`unsupported type ${String(type)}`);
  }
}

function resolve(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`only local $ref is supported: ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = isObject(node) ? node[part] : undefined;
  if (!isObject(node)) throw new Error(`unresolved $ref ${ref}`);
  return node;
}

/** Error messages (empty when `data` is valid) for `data` against the schema at `pointer` (e.g. `#/$defs/value`). */
export function validate(root: Schema, pointer: string, data: unknown): string[] {
  const errors: string[] = [];
  check(root, resolve(root, pointer), data, '$', errors);
  return errors;
}

function check(root: Schema, schema: Schema, data: unknown, path: string, errors: string[]): void {
  for (const keyword of Object.keys(schema)) {
    if (!ANNOTATIONS.has(keyword) && !ASSERTIONS.has(keyword)) throw new Error(`unsupported keyword ${keyword}`);
  }
  const fail = (message: string) => errors.push(`${path}: ${message}`);
  if (typeof schema.$ref === 'string') check(root, resolve(root, schema.$ref), data, path, errors);
  if (schema.type !== undefined && !hasType(data, schema.type)) {
    fail(`expected ${String(schema.type)}`);
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(data)) fail(`not one of ${JSON.stringify(schema.enum)}`);
  if ('const' in schema && schema.const !== data) fail(`expected ${JSON.stringify(schema.const)}`);
  if (typeof data === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(data))
      fail(`does not match ${schema.pattern}`);
    if (typeof schema.minLength === 'number' && [...data].length < schema.minLength) fail('too short');
    if (typeof schema.maxLength === 'number' && [...data].length > schema.maxLength) fail('too long');
  }
  if (typeof data === 'number') {
    if (typeof schema.minimum === 'number' && data < schema.minimum) fail(`below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && data > schema.maximum) fail(`above ${schema.maximum}`);
  }
  if (Array.isArray(data)) {
    if (isObject(schema.items))
      data.forEach((item, i) => check(root, schema.items as Schema, item, `${path}[${i}]`, errors));
    if (schema.uniqueItems === true && new Set(data.map((d) => JSON.stringify(d))).size !== data.length)
      fail('duplicate items');
  }
  if (isObject(data)) checkObject(root, schema, data, path, errors);
}

function checkObject(
  root: Schema,
  schema: Schema,
  data: Record<string, unknown>,
  path: string,
  errors: string[],
): void {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const patterns = isObject(schema.patternProperties) ? Object.entries(schema.patternProperties) : [];
  if (Array.isArray(schema.required)) {
    for (const key of schema.required) if (!(key in data)) errors.push(`${path}: missing ${String(key)}`);
  }
  for (const [key, value] of Object.entries(data)) {
    let matched = false;
    if (isObject(properties[key])) {
      matched = true;
      check(root, properties[key], value, `${path}.${key}`, errors);
    }
    for (const [pattern, sub] of patterns) {
      if (!new RegExp(pattern, 'u').test(key)) continue;
      matched = true;
      check(root, sub as Schema, value, `${path}.${key}`, errors);
    }
    if (matched) continue;
    if (schema.additionalProperties === false) errors.push(`${path}: unexpected property ${key}`);
    else if (isObject(schema.additionalProperties))
      check(root, schema.additionalProperties, value, `${path}.${key}`, errors);
  }
}
