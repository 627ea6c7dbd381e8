/**
 * The power chart's drawing: import and export lines over a time window, at a width measured by the caller. Made to
 * render once per change of its data: no animation, no size measuring of its own (no ResponsiveContainer), its time
 * ticks given (no label measuring), its legend in plain HTML beside it (no second layout pass for the legend's size).
 */
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { Point } from '../chart/downsample.ts';
import { timeTicks } from '../chart/time-ticks.ts';
import { formatTick, formatTime, formatValue } from '../format/format.ts';

export const POWER_LINES = [
  { key: 'import', label: 'chart.import', color: '#2f7ed8' },
  { key: 'export', label: 'chart.export', color: '#2e9e5b' },
] as const;

export interface PowerLines {
  import: Point[];
  export: Point[];
  fromMs: number;
  toMs: number;
}

const HEIGHT = 260;
const MARGIN = { top: 8, right: 16, bottom: 8, left: 16 };
const Y_AXIS_WIDTH = 80;

/** The width of the plot itself in a chart this wide: what the lines' points are counted against. */
export function plotWidth(chartWidth: number): number {
  return Math.max(100, chartWidth - Y_AXIS_WIDTH - MARGIN.left - MARGIN.right);
}

export const PowerChart = memo(function PowerChart({
  lines,
  width,
  locale,
}: {
  lines: PowerLines;
  width: number;
  locale: string;
}) {
  const { t } = useTranslation();
  const { ticks, stepMs } = timeTicks(lines.fromMs, lines.toMs, plotWidth(width));
  return (
    <>
      <LineChart width={width} height={HEIGHT} margin={MARGIN}>
        <CartesianGrid stroke="currentColor" strokeOpacity={0.15} />
        <XAxis
          dataKey="t"
          type="number"
          domain={[lines.fromMs, lines.toMs]}
          allowDataOverflow
          ticks={ticks}
          interval={0}
          tickFormatter={(ms: number) => formatTick(locale, ms, stepMs)}
          tick={{ fill: 'currentColor' }}
          stroke="currentColor"
        />
        <YAxis
          interval={0}
          tickFormatter={(w: number) => formatValue(locale, w, 'W')}
          tick={{ fill: 'currentColor' }}
          stroke="currentColor"
          width={Y_AXIS_WIDTH}
        />
        <Tooltip
          labelFormatter={(ms) => formatTime(locale, Number(ms))}
          formatter={(w) => formatValue(locale, Number(w), 'W')}
          contentStyle={{ background: 'var(--surface)', color: 'var(--text)', border: '1px solid var(--border)' }}
        />
        {POWER_LINES.map(({ key, label, color }) => (
          <Line
            key={key}
            data={lines[key]}
            dataKey="v"
            name={t(label)}
            stroke={color}
            dot={false}
            isAnimationActive={false}
            strokeWidth={2}
          />
        ))}
      </LineChart>
      <ul className="legend">
        {POWER_LINES.map(({ key, label, color }) => (
          <li key={key}>
            <span className="swatch" style={{ background: color }} aria-hidden="true" />
            {t(label)}
          </li>
        ))}
      </ul>
    </>
  );
});
