/** The api's history methods (shared/api.ts), answered from the running bridge's store. */
import type { HistoryQuery } from '../../shared/history.ts';
import { historyCsv } from '../core/history/history-csv.ts';
import type { HistoryStore } from '../core/history/history-store.ts';
import type { ApiHandlers } from './api-answer.ts';

const DAY = 86_400;
/** An export's rows at most (about 15 MB of CSV), whatever the range and the number of quantities. */
const MAX_EXPORT_ROWS = 200_000;

/**
 * An export keeps every reading for up to a day, minutes up to 60 days, hours beyond; where that would exceed
 * `maxRows` (many quantities), wider buckets. Undefined: every reading.
 */
function exportPoints(q: HistoryQuery, maxRows: number): number | undefined {
  const span = q.to - q.from;
  const step = span <= DAY ? 1 : span <= 60 * DAY ? 60 : 3600;
  const perSeries = Math.floor(maxRows / q.quantities.length);
  const rows = Math.ceil(span / step);
  if (rows > perSeries) return Math.max(perSeries, 1);
  return step === 1 ? undefined : rows;
}

export function historyHandlers(
  history: () => HistoryStore | undefined,
  maxExportRows = MAX_EXPORT_ROWS,
): Pick<ApiHandlers, 'getHistory' | 'exportHistoryCsv'> {
  const store = () => {
    const found = history();
    if (!found) throw new Error('the history is off (history.enabled) or its file could not be opened: see the log');
    return found;
  };
  return {
    getHistory: (q) => store().query(q),
    exportHistoryCsv: (q) => {
      const series = store().query({ ...q, points: exportPoints(q, maxExportRows) });
      const day = new Date(q.from * 1000).toISOString().slice(0, 10);
      return { filename: `${q.meterId.replace(/[^\w.-]/g, '_')}-${day}.csv`, csv: historyCsv(q.meterId, series) };
    },
  };
}
