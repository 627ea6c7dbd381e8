/** The history as CSV (RFC 4180: CRLF, quoted where needed), one row per bucket and quantity, times in UTC. */
import type { HistorySeries } from '../../../shared/history.ts';

const HEADER = ['time', 'meter', 'quantity', 'unit', 'value', 'min', 'max', 'resolution'];

function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function historyCsv(meterId: string, series: readonly HistorySeries[]): string {
  const lines = [HEADER.join(',')];
  const meter = field(meterId);
  for (const s of series) {
    const head = `${meter},${field(s.quantity)},${field(s.unit)}`;
    for (let i = 0; i < s.t.length; i++) {
      const time = new Date(s.t[i]! * 1000).toISOString();
      lines.push(`${time},${head},${s.value[i]},${s.min[i]},${s.max[i]},${s.resolution}`);
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
