/** Pushes built with our own encoder from the specification's structures (no captured bytes). */
import type { DlmsData } from '../../../shared/protocols/dlms/axdr.ts';
import { encodeDateTime, obisData } from '../../../shared/protocols/dlms/encode.ts';
import type { DecodeOutput, ObisMessage } from '../../../shared/protocols/types.ts';

export const u32 = (value: number): DlmsData => ({ type: 'double-long-unsigned', value });
export const u16 = (value: number): DlmsData => ({ type: 'long-unsigned', value });
export const i16 = (value: number): DlmsData => ({ type: 'long', value });
export const text = (value: string): DlmsData => ({ type: 'octet-string', value: new TextEncoder().encode(value) });
export const structure = (...items: DlmsData[]): DlmsData => ({ type: 'structure', items });
export const array = (...items: DlmsData[]): DlmsData => ({ type: 'array', items });
export const scalerUnit = (scaler: number, unit: number): DlmsData =>
  structure({ type: 'integer', value: scaler }, { type: 'enum', value: unit });

/** {OBIS, value, {scaler, unit}} registers as Norwegian and Austrian meters push them. */
export function registerPush(registers: readonly [string, DlmsData, number?, number?][]): DlmsData {
  return array(
    ...registers.map(([obis, value, scaler, unit]) =>
      scaler === undefined
        ? structure(obisData(obis), value)
        : structure(obisData(obis), value, scalerUnit(scaler, unit!)),
    ),
  );
}

/** A push of some 40 registers: long enough to need HDLC segmentation and several M-Bus segments. */
export const BIG_PUSH: DlmsData = registerPush([
  ['0-0:42.0.0', text('TST0123456789012')],
  ['0-0:96.1.0', text('12345678')],
  ...Array.from(
    { length: 40 },
    (_, i) => [`1-0:1.8.${i}`, u32(100000 + i), 0, 30] as [string, DlmsData, number, number],
  ),
]);

/** 2024-01-15 12:30:00 local time at UTC+1 (deviation -60): 11:30:00 UTC. */
export const WINTER_NOON = encodeDateTime({ year: 2024, month: 1, day: 15, hour: 12, minute: 30, second: 0 }, -60);
export const WINTER_NOON_UNIX = Date.UTC(2024, 0, 15, 11, 30, 0) / 1000;

export const messages = (out: DecodeOutput[]): ObisMessage[] =>
  out.flatMap((o) => (o.ok && o.message.protocol === 'dlms' ? [o.message] : []));

export const errorKinds = (out: DecodeOutput[]): string[] => out.flatMap((o) => (o.ok ? [] : [o.error.kind]));

export function valueOf(
  message: ObisMessage | undefined,
  obis: string,
): { value: unknown; unit: string | null } | undefined {
  const v = message?.values.find((x) => x.obis === obis);
  return v && { value: v.value, unit: v.unit };
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function feed(
  decoder: { push(c: Uint8Array): DecodeOutput[]; end(): DecodeOutput[] },
  bytes: Uint8Array,
  chunk = bytes.length,
): DecodeOutput[] {
  const out: DecodeOutput[] = [];
  for (let i = 0; i < bytes.length; i += Math.max(1, chunk)) out.push(...decoder.push(bytes.subarray(i, i + chunk)));
  return [...out, ...decoder.end()];
}
