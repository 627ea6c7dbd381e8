/**
 * Telegraf reading every value topic into InfluxDB 2: the meter and quantity come from the topic levels, the value
 * and its time from the JSON payload. The Grafana dashboard (grafana.ts) queries exactly this layout (INFLUX).
 */
import { brokerAddress } from './broker-address.ts';
import { INFLUX, type IntegrationInput, type Snippet } from './types.ts';

export function telegrafConfig(input: IntegrationInput): Snippet {
  const broker = brokerAddress(input.brokerUrl);
  const baseLevels = input.baseTopic.split('/');
  // `<base>/<meter>/<group>/<quantity>`: the state, info and status topics have fewer levels and do not match.
  const topic = [...baseLevels, '+', '+', '+'].join('/');
  const tags = [...baseLevels.map(() => '_'), INFLUX.meterTag, '_', INFLUX.quantityTag].join('/');
  const host = broker.host.includes(':') ? `[${broker.host}]` : broker.host;
  const text = `# telegraf.conf: the bridge's value topics into InfluxDB 2 (set INFLUX_TOKEN in Telegraf's environment)
[[inputs.mqtt_consumer]]
  servers = ["${broker.tls ? 'ssl' : 'tcp'}://${host}:${broker.port}"]
  topics = ["${topic}"]
  qos = 1
  client_id = "telegraf-smartmeter"
  persistent_session = true
  name_override = "${INFLUX.measurement}"
  topic_tag = ""
  data_format = "json"
  json_time_key = "timestamp"
  json_time_format = "unix"
  tag_keys = ["obis"]
  json_string_fields = ["unit"]

  [[inputs.mqtt_consumer.topic_parsing]]
    topic = "${topic}"
    tags = "${tags}"

[[outputs.influxdb_v2]]
  urls = ["http://127.0.0.1:8086"]
  token = "$INFLUX_TOKEN"
  organization = "home"
  bucket = "${INFLUX.bucket}"
`;
  return { id: 'telegraf', fileName: 'telegraf.conf', text };
}
