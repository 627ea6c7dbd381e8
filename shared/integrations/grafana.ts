/**
 * A Grafana dashboard (Dashboards > New > Import) over the InfluxDB bucket Telegraf fills (telegraf.ts): power
 * import/export, power per phase, and the energy counters, for one meter picked from a variable of the live meters.
 */
import { INFLUX, type IntegrationInput, type Snippet } from './types.ts';

const DATASOURCE = { type: 'influxdb', uid: '${DS_INFLUXDB}' };

function flux(quantities: string, aggregate: 'mean' | 'last'): string {
  return [
    `from(bucket: "${INFLUX.bucket}")`,
    '  |> range(start: v.timeRangeStart, stop: v.timeRangeStop)',
    `  |> filter(fn: (r) => r._measurement == "${INFLUX.measurement}" and r._field == "value")`,
    `  |> filter(fn: (r) => r.${INFLUX.meterTag} == "\${meter}" and r.${INFLUX.quantityTag} =~ /^(${quantities})$/)`,
    `  |> aggregateWindow(every: v.windowPeriod, fn: ${aggregate}, createEmpty: false)`,
    `  |> keep(columns: ["_time", "_value", "${INFLUX.quantityTag}"])`,
  ].join('\n');
}

function panel(id: number, title: string, type: 'timeseries' | 'stat', unit: string, query: string, y: number) {
  const grid = type === 'stat' ? { h: 6, w: 24, x: 0, y } : { h: 9, w: 24, x: 0, y };
  return {
    id,
    title,
    type,
    datasource: DATASOURCE,
    gridPos: grid,
    fieldConfig: { defaults: { unit }, overrides: [] },
    targets: [{ refId: 'A', datasource: DATASOURCE, query }],
  };
}

export function grafanaDashboard(input: IntegrationInput): Snippet {
  const meters = input.meters.map((m) => m.topicId);
  const dashboard = {
    __inputs: [
      { name: 'DS_INFLUXDB', label: 'InfluxDB', type: 'datasource', pluginId: 'influxdb', pluginName: 'InfluxDB' },
    ],
    title: 'Smart meter',
    uid: 'smartmeter-bridge',
    schemaVersion: 39,
    time: { from: 'now-24h', to: 'now' },
    refresh: '10s',
    templating: {
      list: [
        {
          name: 'meter',
          label: 'Meter',
          type: 'custom',
          query: meters.join(','),
          current: meters[0] ? { text: meters[0], value: meters[0] } : {},
          options: meters.map((m, i) => ({ text: m, value: m, selected: i === 0 })),
        },
      ],
    },
    panels: [
      panel(1, 'Power import / export', 'timeseries', 'watt', flux('power_in|power_out', 'mean'), 0),
      panel(2, 'Power per phase', 'timeseries', 'watt', flux('power_(in|out)_l[123]', 'mean'), 9),
      panel(3, 'Energy', 'stat', 'watth', flux('energy_(in|out)(_t[0-9]+)?', 'last'), 18),
    ],
  };
  return { id: 'grafana', fileName: 'smartmeter-dashboard.json', text: `${JSON.stringify(dashboard, null, 2)}\n` };
}
