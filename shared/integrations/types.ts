/**
 * What the integration snippets are generated from: the configured base topic, the broker as the bridge reaches it,
 * and the meters seen so far with the readings they send. Plain data, so the UI can pass its live bridge view.
 */
export interface IntegrationMeter {
  meterId: string;
  /** The meter's topic level (its alias or sanitised ID). */
  topicId: string;
  readings: readonly { quantity: string; topic: string; unit: string }[];
}

export interface IntegrationInput {
  baseTopic: string;
  /** e.g. `mqtt://127.0.0.1:1883`; `mqtts:` means TLS. */
  brokerUrl: string;
  /** Home Assistant's discovery prefix; absent: discovery is off. */
  haPrefix?: string;
  meters: readonly IntegrationMeter[];
}

export interface Snippet {
  id: 'home-assistant' | 'openhab-things' | 'openhab-items' | 'node-red' | 'telegraf' | 'grafana';
  /** File name the user would save it as (also the language the UI labels it with). */
  fileName: string;
  text: string;
}

/** The InfluxDB series layout Telegraf writes and Grafana queries: one measurement, meter and quantity as tags. */
export const INFLUX = { measurement: 'smartmeter', bucket: 'smartmeter', meterTag: 'meter', quantityTag: 'quantity' };
