/**
 * The text syntax of a telegram body: `OBIS(group)(group)...` lines, where a line that starts with `(` continues the
 * line before it (DSMR 2.2/3 put the gas reading on the next line), and a group may carry a unit as `value*unit`.
 */
import { normalizeObis } from '../obis.ts';

export interface CosemLine {
  /** Canonical `A-B:C.D.E[*F]`. */
  obis: string;
  /** Group contents without the parentheses, in order. */
  groups: string[];
}

export interface GroupValue {
  text: string;
  unit: string | null;
}

/** The characters String.prototype.trim drops that latin-1 can hold: TAB..CR, space, no-break space. */
const isBlank = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0;

/** Splits the body into logical lines; lines without a valid OBIS code (blank, damaged) are left out. */
export function splitCosemLines(body: string): CosemLine[] {
  const lines: CosemLine[] = [];
  for (let start = 0; start <= body.length;) {
    const lf = body.indexOf('\n', start);
    const end = lf < 0 ? body.length : lf;
    let first = start;
    let last = end;
    start = end + 1;
    while (first < last && isBlank(body.charCodeAt(first))) first++;
    while (last > first && isBlank(body.charCodeAt(last - 1))) last--;
    if (first === last) continue;
    const text = body.slice(first, last);
    const previous = lines[lines.length - 1];
    if (text.startsWith('(')) {
      previous?.groups.push(...groupsOf(text));
      continue;
    }
    const open = text.indexOf('(');
    const obis = normalizeObis(open < 0 ? text : text.slice(0, open).trim());
    if (obis) lines.push({ obis, groups: open < 0 ? [] : groupsOf(text.slice(open)) });
  }
  return lines;
}

/** `(a)(b*u)` → `a`, `b*u`; an unclosed last group runs to the end of the line. */
function groupsOf(text: string): string[] {
  const groups: string[] = [];
  for (let open = text.indexOf('('); open >= 0;) {
    const close = text.indexOf(')', open + 1);
    const end = close < 0 ? text.length : close;
    groups.push(text.slice(open + 1, end).trim());
    open = close < 0 ? -1 : text.indexOf('(', close + 1);
  }
  return groups;
}

const UNIT = /^[A-Za-z°%][A-Za-z0-9°%/]{0,7}$/;

/** `000123.456*kWh` → text `000123.456`, unit `kWh`; a group without `*unit` has unit null. */
export function splitUnit(group: string): GroupValue {
  const star = group.lastIndexOf('*');
  if (star >= 0 && UNIT.test(group.slice(star + 1))) return { text: group.slice(0, star), unit: group.slice(star + 1) };
  return { text: group, unit: null };
}

/** The number a group's text states (`[-+]digits[.digits]`), or null when it is not a plain decimal. */
export function parseDecimal(text: string): number | null {
  let i = text.charCodeAt(0) === 0x2d || text.charCodeAt(0) === 0x2b ? 1 : 0;
  const intStart = i;
  while (isDigit(text.charCodeAt(i))) i++;
  if (i === intStart) return null;
  if (i < text.length) {
    if (text.charCodeAt(i) !== 0x2e) return null;
    const fracStart = ++i;
    while (isDigit(text.charCodeAt(i))) i++;
    if (i === fracStart || i < text.length) return null;
  }
  return Number(text);
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
