/** Picks the meter family of a push from what the frame tells (see families.ts for the rules). */
import { familyById, FAMILIES, type FamilyMatch, type MeterFamily } from './families.ts';
import type { DlmsData } from './axdr.ts';
import type { PushContent } from './entries.ts';
import type { Transport } from './link.ts';
import { formatObis } from '../obis.ts';

export interface PushFacts {
  transport: Transport;
  listId?: string;
  entries: number;
  /** OBIS codes of the values, formatted. */
  codes: ReadonlySet<string>;
  /** The system title read as latin-1 text, for its ASCII prefix (`LGZgs`). */
  systemTitle?: string;
  manufacturer?: string;
  pushSetup?: string;
  objectList: boolean;
  descriptors: boolean;
}

const FLAG_CODE = /^[A-Z]{3}$/;

/** The three-letter FLAG code at the start of a system title or logical device name, if it is one. */
export function flagCode(bytes: Uint8Array | undefined): string | undefined {
  if (!bytes || bytes.length < 3) return undefined;
  const code = String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!);
  return FLAG_CODE.test(code) ? code : undefined;
}

function asciiText(d: DlmsData): string | undefined {
  if (d.type === 'visible-string') return d.value;
  return d.type === 'octet-string' ? String.fromCharCode(...d.value) : undefined;
}

export function pushFacts(
  content: PushContent,
  transport: Transport,
  systemTitle: Uint8Array | undefined,
  descriptors: boolean,
): PushFacts {
  // Each code is formatted once: this runs on every push, and the codes also name the list and the device.
  const codes = new Set<string>();
  let deviceName: DlmsData | undefined;
  for (const e of content.entries) {
    if (!e.obis) continue;
    const code = formatObis(e.obis);
    codes.add(code);
    if (code === '0-0:42.0.0') deviceName ??= e.data;
  }
  const first = content.entries[0];
  const listId =
    first && (first.obis === null || formatObis(first.obis) === '1-1:0.2.129') ? asciiText(first.data) : undefined;
  const manufacturer =
    flagCode(systemTitle) ?? (deviceName?.type === 'octet-string' ? flagCode(deviceName.value) : undefined);
  return {
    transport,
    entries: content.entries.length,
    codes,
    objectList: content.objectList,
    descriptors,
    ...(listId !== undefined ? { listId } : {}),
    ...(systemTitle ? { systemTitle: String.fromCharCode(...systemTitle) } : {}),
    ...(manufacturer ? { manufacturer } : {}),
    ...(content.pushSetup ? { pushSetup: content.pushSetup } : {}),
  };
}

function matches(m: FamilyMatch, facts: PushFacts): boolean {
  return (
    (m.listId === undefined || m.listId === facts.listId) &&
    (m.systemTitlePrefix === undefined || (facts.systemTitle?.startsWith(m.systemTitlePrefix) ?? false)) &&
    (m.manufacturer === undefined || m.manufacturer === facts.manufacturer) &&
    (m.pushSetup === undefined || m.pushSetup === facts.pushSetup) &&
    (m.objectList === undefined || m.objectList === facts.objectList) &&
    (m.descriptors === undefined || m.descriptors === facts.descriptors) &&
    (m.transport === undefined || m.transport === facts.transport) &&
    (m.listIdPrefix === undefined || (facts.listId?.startsWith(m.listIdPrefix) ?? false)) &&
    (m.entries === undefined || m.entries === facts.entries) &&
    (m.unnamed === undefined || m.unnamed === (facts.codes.size === 0)) &&
    (m.listing ?? []).every((code) => facts.codes.has(code)) &&
    !(m.notListing ?? []).some((code) => facts.codes.has(code))
  );
}

export function recogniseFamily(facts: PushFacts, forced?: string): MeterFamily | undefined {
  if (forced !== undefined) return familyById(forced);
  return FAMILIES.find((f) => (Array.isArray(f.match) ? f.match : [f.match]).some((m) => matches(m, facts)));
}
