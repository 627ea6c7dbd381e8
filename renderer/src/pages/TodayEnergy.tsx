/** Energy imported and exported since local midnight: the rise of each counter in the history, refreshed each minute. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocale } from '../components/use-locale.ts';
import { formatValue } from '../format/format.ts';
import { useStore } from '../store/use-bridge.ts';

const COUNTERS = [
  { quantity: 'energy_in', label: 'history.todayImport', kind: 'import' },
  { quantity: 'energy_out', label: 'history.todayExport', kind: 'export' },
] as const;
const REFRESH_MS = 60_000;

type Today = Partial<Record<(typeof COUNTERS)[number]['quantity'], { value: number; unit: string }>>;

export function TodayEnergy({ meterId }: { meterId: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const store = useStore();
  const [today, setToday] = useState<Today>({});

  useEffect(() => {
    let current = true;
    const load = () => {
      const midnight = new Date();
      midnight.setHours(0, 0, 0, 0);
      const to = Date.now() / 1000 + 1;
      const query = {
        meterId,
        quantities: COUNTERS.map((c) => c.quantity),
        from: midnight.getTime() / 1000,
        to,
        points: 1,
      };
      store.transport.call('getHistory', query).then(
        (series) => {
          if (!current) return;
          // One bucket over the day: its max is the counter now, its min the first reading of the day.
          const rise = (q: string) => series.find((s) => s.quantity === q && s.t.length > 0);
          setToday(
            Object.fromEntries(
              COUNTERS.flatMap(({ quantity }) => {
                const s = rise(quantity);
                return s ? [[quantity, { value: s.max[0]! - s.min[0]!, unit: s.unit }]] : [];
              }),
            ),
          );
        },
        () => undefined, // the chart says why the history is unavailable
      );
    };
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [store, meterId]);

  const shown = COUNTERS.filter((c) => today[c.quantity]);
  if (shown.length === 0) return null;
  return (
    <div className="tiles today">
      {shown.map(({ quantity, label, kind }) => (
        <div className={`tile ${kind}`} key={quantity}>
          <span className="tile-label">{t(label)}</span>
          <span className="tile-value" data-today={quantity}>
            {formatValue(locale, today[quantity]!.value, today[quantity]!.unit)}
          </span>
        </div>
      ))}
    </div>
  );
}
