/** Import and export power since the page opened, thinned to the chart's width (min/max buckets). */
import { memo, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { minMaxBuckets } from '../chart/downsample.ts';
import { useLocale } from '../components/use-locale.ts';
import { formatTime, formatValue } from '../format/format.ts';
import { useBridgeSelect, useStore } from '../store/use-bridge.ts';

const LINES = [
  { key: 'import', label: 'chart.import', color: '#2f7ed8' },
  { key: 'export', label: 'chart.export', color: '#2e9e5b' },
] as const;

/** About two points per pixel column of a wide chart. */
const BUCKETS = 400;

/** Renders only when a power sample arrived, not on every pushed view (counters change more often). */
export const LiveChart = memo(function LiveChart({ meterId }: { meterId: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const powerRevision = useBridgeSelect((s) => s.powerRevision);
  const store = useStore();
  const series = useMemo(() => {
    const s = store.power.of(meterId);
    return s && { import: minMaxBuckets(s.import, BUCKETS), export: minMaxBuckets(s.export, BUCKETS) };
    // powerRevision is in the list because the history grows in place.
  }, [store, meterId, powerRevision]);
  // A time axis needs two distinct times (one would give it duplicate ticks).
  const samples = Math.max(series?.import.length ?? 0, series?.export.length ?? 0);

  return (
    <figure className="chart">
      <figcaption>{t('chart.title')}</figcaption>
      {samples < 2 ? (
        <p className="hint">{t('chart.empty')}</p>
      ) : (
        <ResponsiveContainer width="100%" height={260}>
          <LineChart margin={{ top: 8, right: 16, bottom: 8, left: 16 }}>
            <CartesianGrid stroke="currentColor" strokeOpacity={0.15} />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={['dataMin', 'dataMax']}
              tickFormatter={(ms: number) => formatTime(locale, ms)}
              tick={{ fill: 'currentColor' }}
              stroke="currentColor"
              minTickGap={40}
            />
            <YAxis
              tickFormatter={(w: number) => formatValue(locale, w, 'W')}
              tick={{ fill: 'currentColor' }}
              stroke="currentColor"
              width={80}
            />
            <Tooltip
              labelFormatter={(ms) => formatTime(locale, Number(ms))}
              formatter={(w) => formatValue(locale, Number(w), 'W')}
              contentStyle={{ background: 'var(--surface)', color: 'var(--text)', border: '1px solid var(--border)' }}
            />
            <Legend />
            {LINES.map(({ key, label, color }) => (
              <Line
                key={key}
                data={series![key]}
                dataKey="v"
                name={t(label)}
                stroke={color}
                dot={false}
                isAnimationActive={false}
                strokeWidth={2}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
});
