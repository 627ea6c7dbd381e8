/** JSON values and the two ways the api changes them: a merge patch, or one value set at a path. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export function isJsonObject(value: unknown): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7386: objects merge key by key, `null` removes a key, anything else (arrays too) replaces. */
export function mergePatch(target: JsonValue, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return patch;
  const result: { [key: string]: JsonValue } = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key] ?? null, value);
  }
  return result;
}

/** A copy of `target` with `value` at `path` (array levels by index); `undefined` removes it. */
export function setAtPath(target: JsonValue, path: readonly string[], value: JsonValue | undefined): JsonValue {
  const [key, ...rest] = path;
  if (key === undefined) return value ?? null;
  if (Array.isArray(target)) {
    const copy = [...target];
    const index = Number(key);
    if (Number.isInteger(index) && index >= 0 && index < copy.length)
      copy[index] = setAtPath(copy[index]!, rest, value);
    return copy;
  }
  const copy: { [key: string]: JsonValue } = isJsonObject(target) ? { ...target } : {};
  if (rest.length === 0 && value === undefined) delete copy[key];
  else copy[key] = setAtPath(copy[key] ?? null, rest, value);
  return copy;
}
