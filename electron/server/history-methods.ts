/** The api's history methods (shared/api.ts), answered from the running bridge's store. */
import type { HistoryQuery } from '../../shared/history.ts';
import { historyCsv } from '../core/history/history-csv.ts';
import type { HistoryStore } from '../core/history/history-store.ts';
import type { ApiHandlers } from './api-answer.ts';

const DAY = 86_400;

/** An export keeps every reading for up to a day, minutes up to 60 days, hours beyond: at most ~100,000 rows a series. */
function exportPoints(q: HistoryQuery): number | undefined {
  const span = q.to - q.from;
  if (span <= DAY) return undefined;
  return Math.ceil(span / (span <= 60 * DAY ? 60 : 3600));
}

export function historyHandlers(
  history: () => HistoryStore | undefined,
): Pick<ApiHandlers, 'getHistory' | 'exportHistoryCsv'> {
  const store = () => {
    const found = history();
    if (!found) throw new Error('the history is off (history.enabled) or its file could not be opened: see the log');
    return found;
  };
  return {
    getHistory: (q) => store().query(q),
    exportHistoryCsv: (q) => {
      const series = store().query({ ...q, points: exportPoints(q) });
      const day = new Date(q.from * 1000).toISOString().slice(0, 10);
      return { filename: `${q.meterId.replace(/[^\w.-]/g, '_')}-${day}.csv`, csv: historyCsv(q.meterId, series) };
    },
  };
}
