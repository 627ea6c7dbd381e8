/**
 * The profile's topic tree and how each topic is published (QoS, retained):
 *
 *   <base>/bridge/status          online | offline (last will)     <base>/<meterId>/status   online | offline
 *   <base>/bridge/info            bridge info JSON                 <base>/<meterId>/info     meter info JSON
 *   <base>/<meterId>/state        every latest reading in one JSON <base>/<meterId>/<group>/<quantity>  one value
 */

export const DEFAULT_BASE_TOPIC = 'smartmeter';

/** QoS 1 throughout: readings made while the broker is away are queued and delivered later, none lost. */
export const PUBLISH_OPTIONS = {
  value: { qos: 1, retain: true },
  state: { qos: 1, retain: true },
  info: { qos: 1, retain: true },
  status: { qos: 1, retain: true },
  bridgeStatus: { qos: 1, retain: true },
  bridgeInfo: { qos: 1, retain: true },
  discovery: { qos: 1, retain: true },
  rlDsp: { qos: 1, retain: false },
} as const satisfies Record<string, { qos: 0 | 1; retain: boolean }>;

const MAX_ID_LENGTH = 64;
const HASH_LENGTH = 8;
/** Topic levels the profile itself uses right under the base topic; a meter may not take their names. */
const RESERVED_IDS = new Set(['bridge']);
const SAFE_ID = /[^A-Za-z0-9_-]/gu;

/** FNV-1a over UTF-16 code units: a short, stable fingerprint of the original ID (not a security measure). */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(HASH_LENGTH, '0');
}

/**
 * A meter ID as one topic level: letters, digits, `_` and `-` only (so also a valid Home Assistant node id), at most
 * 64 characters. IDs that are already safe stay as they are; any other ID has each unsafe character replaced by `_`
 * and an 8-hex-digit fingerprint of the original appended, so distinct IDs stay distinct and the result is stable.
 * No ID, or an empty one, is `unknown`.
 */
export function meterTopicId(meterId: string | undefined): string {
  const id = (meterId ?? '').trim();
  if (id === '') return 'unknown';
  const safe = id.replace(SAFE_ID, '_');
  if (safe === id && id.length <= MAX_ID_LENGTH && !RESERVED_IDS.has(id.toLowerCase())) return id;
  return `${safe.slice(0, MAX_ID_LENGTH - HASH_LENGTH - 1)}-${fingerprint(id)}`;
}

/**
 * Why `base` cannot be the base topic, or undefined when it can: one or more non-empty levels without wildcards,
 * control characters or a leading `$` (reserved for broker topics), at most 128 characters.
 */
export function baseTopicError(base: string): string | undefined {
  if (base.length === 0 || base.length > 128) return 'the base topic must have 1 to 128 characters';
  if (base.startsWith('$')) return 'the base topic must not start with "$" (reserved for broker topics)';
  // eslint-disable-next-line no-control-regex
  if (/[+#\u0000-\u001f\u007f]/u.test(base)) return 'the base topic must not contain "+", "#" or control characters';
  if (base.split('/').some((level) => level === '')) {
    return 'the base topic must not have empty levels ("//", or a "/" at either end)';
  }
  return undefined;
}

export interface MeterTopics {
  /** The sanitised meter ID used in every topic below. */
  id: string;
  /** `path` is a reading's relative topic, e.g. `power/power_in`. */
  value(path: string): string;
  state: string;
  info: string;
  status: string;
}

export interface ProfileTopics {
  base: string;
  bridgeStatus: string;
  bridgeInfo: string;
  meter(meterId: string | undefined): MeterTopics;
}

/** Topic builders under `base`; throws a TypeError carrying baseTopicError's message when `base` is not usable. */
export function profileTopics(base: string = DEFAULT_BASE_TOPIC): ProfileTopics {
  const error = baseTopicError(base);
  if (error) throw new TypeError(error);
  return {
    base,
    bridgeStatus: `${base}/bridge/status`,
    bridgeInfo: `${base}/bridge/info`,
    meter(meterId) {
      const id = meterTopicId(meterId);
      const root = `${base}/${id}`;
      return {
        id,
        value: (path) => `${root}/${path}`,
        state: `${root}/state`,
        info: `${root}/info`,
        status: `${root}/status`,
      };
    },
  };
}
