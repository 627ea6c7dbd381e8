/**
 * The contract every protocol decoder in shared/protocols keeps: bytes in, typed messages or typed errors out.
 * Errors are values with a kind and a human message; decoders never throw on bad input.
 */
import type { WmbusStick } from './wmbus/sticks/names.ts';

export type Protocol = 'dsmr' | 'dlms' | 'mbus' | 'sml' | 'iec62056-21' | 'wmbus';

/** Where OBIS-keyed values can come from: a wire protocol, or a gateway that already publishes on MQTT. */
export type ObisProtocol = 'dsmr' | 'dlms' | 'sml' | 'iec62056-21' | 'mqtt';

export type DecodeErrorKind = 'crc' | 'truncated' | 'decrypt' | 'unsupported' | 'syntax';

export interface DecodeError {
  readonly kind: DecodeErrorKind;
  /** One sentence a user can act on, e.g. "authentication failed: check the authentication key". */
  readonly message: string;
  /** The meter the frame named, where that is what the user needs: a wireless M-Bus meter without its key. */
  readonly meterId?: string;
}

export function decodeError(kind: DecodeErrorKind, message: string, meterId?: string): DecodeError {
  return meterId === undefined ? { kind, message } : { kind, message, meterId };
}

/** One value keyed by OBIS, scaled, in the unit the meter states. */
export interface ObisValue {
  /** `A-B:C.D.E`, with `*F` only when F is present and not 255; null when the meter sent no code for it. */
  obis: string | null;
  value: number | string;
  unit: string | null;
  /** Unix seconds of this value's own capture time (DSMR M-Bus sub-meters, registers with a capture time). */
  timestamp?: number;
  /** The unscaled number, when a meter-family table supplied the scaling because the frame carried none. */
  raw?: number;
}

/** What a message says about the meter beyond its values; all optional, all informational. */
export interface MeterInfo {
  manufacturer?: string;
  model?: string;
  /** DSMR identification line without the leading '/', e.g. `ISK5\2M550T-1012`. */
  header?: string;
  /** DSMR version (e.g. "50") or the DLMS meter-family table that interpreted the push. */
  version?: string;
  family?: string;
  /** DLMS system title (hex), from the ciphering header or the HDLC/M-Bus link. */
  systemTitle?: string;
  encrypted?: boolean;
  /** The link or gateway format the message came over: 'p1', 'hdlc', 'mbus', 'raw', 'tasmota', 'datacollector', 'rl-dsp'. */
  transport?: string;
  /** The gateway device it came through, when that is not the meter's ID (a gPlug's Tasmota topic). */
  device?: string;
}

/** A decoded DSMR telegram or DLMS/COSEM push, or a gateway's MQTT message read into OBIS terms. */
export interface ObisMessage {
  protocol: ObisProtocol;
  meterId?: string;
  /** Unix seconds from the meter clock (DSMR 0-0:1.0.0, DLMS data-notification date-time or clock object). */
  timestamp?: number;
  values: ObisValue[];
  info: MeterInfo;
}

/** EN 13757-3 fixed header of a variable or fixed data structure. */
export interface MbusDevice {
  /** Identification number as printed on the meter (8 BCD digits). */
  id: string;
  /** Three-letter manufacturer code (EN 13757-3 / FLAG), e.g. `KAM`. */
  manufacturer: string;
  version: number;
  /** Medium name, e.g. `Heat: Outlet`, `Water`, `Electricity`. */
  medium: string;
  accessNumber: number;
  /** Status byte as two hex digits, e.g. `00`. */
  status: string;
}

/** One EN 13757-3 data record. */
export interface MbusRecord {
  record: number;
  /** `instantaneous`, `maximum`, `minimum`, `error`, or for special records `manufacturer-specific`, `more-records-follow`, `idle-filler`. */
  function: string;
  storage: number;
  tariff: number;
  subunit: number;
  /** Human name of the quantity from the VIF, e.g. `Energy`, `Volume`, `Flow temperature`. */
  quantity: string;
  /** SI unit (Wh, J, m3, m3/h, W, s, °C, K, V, A, ...) or null for dimensionless data. */
  unit: string | null;
  value: number | string;
}

/** Wired M-Bus (EN 13757-2 frames) or wireless M-Bus (EN 13757-4): the same EN 13757-3 records. */
export interface MbusMessage {
  protocol: 'mbus' | 'wmbus';
  meterId: string;
  timestamp?: number;
  device: MbusDevice;
  values: MbusRecord[];
  info: MeterInfo;
}

export type DecodedMessage = ObisMessage | MbusMessage;

export function isMbusMessage(message: DecodedMessage): message is MbusMessage {
  return message.protocol === 'mbus' || message.protocol === 'wmbus';
}

export type DecodeOutput = { ok: true; message: DecodedMessage } | { ok: false; error: DecodeError };

export interface DecoderOptions {
  /** AES-128 encryption key (global unicast key, GUEK) for ciphered DLMS APDUs and encrypted P1. */
  key?: Uint8Array;
  /** AES-128 authentication key (GAK); needed when the security control byte says authenticated. */
  authKey?: Uint8Array;
  /**
   * Keys of one meter among several, looked up by the system title of each ciphered frame; `key`/`authKey` are the
   * fallback for meters it does not know.
   */
  keysFor?: (systemTitle: Uint8Array) => { key?: Uint8Array; authKey?: Uint8Array } | undefined;
  /** Wireless M-Bus: the key of the meter with this ID (8 digits as decoded), tried before `key`. */
  meterKey?: (meterId: string) => Uint8Array | undefined;
  /** Wireless M-Bus: the USB stick's serial framing around the telegrams (wmbus/sticks); default `raw`. */
  wmbusStick?: WmbusStick;
  /** IANA zone for meter clocks that carry no UTC offset; defaults to the system zone. */
  timeZone?: string;
  /** Force a DLMS meter-family table (see shared/protocols/dlms/families) instead of recognising it. */
  family?: string;
  /**
   * AES-128-GCM decryption to use instead of the pure TypeScript one (shared/crypto/gcm.ts): the Node runtime
   * passes OpenSSL's, which is constant-time and uses AES-NI.
   */
  gcmDecrypt?: GcmDecrypt;
}

/**
 * Verifies `tag` (of its length; an empty tag verifies nothing) over `aad` and `ciphertext` and decrypts; null when
 * the tag does not match.
 */
export type GcmDecrypt = (
  key: Uint8Array,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad: Uint8Array,
) => Uint8Array | null;

/**
 * A streaming decoder: bytes arrive in arbitrary chunks (serial reads, TCP segments); whole messages come out.
 * Never throws, never grows without bound; garbage between frames is skipped.
 */
export interface StreamDecoder {
  push(chunk: Uint8Array): DecodeOutput[];
  /** The stream ended: report what is left over (a truncated frame, an incomplete segmented message). */
  end(): DecodeOutput[];
}
