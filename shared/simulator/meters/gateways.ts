/**
 * Gateways that already publish on MQTT: a gPlug (Tasmota SML script, `tele/<topic>/SENSOR` with the `z` object,
 * power in kW as the newer scripts print it) and a smartmeter-datacollector (`smartmeter/<id>/<NAME>`, one value per
 * message). Both watch an E450-like meter of the household.
 */
import { zoneOffsetMinutes } from '../../time.ts';
import type { HouseholdState } from '../household.ts';
import type { MqttMeter, MqttOut } from '../meter.ts';

const ZONE = 'Europe/Zurich';

/** Tasmota's "Time": the device's local clock, ISO without offset. */
function tasmotaTime(unix: number): string {
  return new Date((unix + zoneOffsetMinutes(unix, ZONE) * 60) * 1000).toISOString().slice(0, 19);
}

export function gplugMeter(): MqttMeter {
  const serial = '35012346';
  const topic = 'gPlug_SIM';
  return {
    kind: 'mqtt',
    model: 'gplug',
    description: `gPlug (Tasmota SML script) on MQTT: tele/gPlug_SIM/SENSOR every 10 s, power in kW, "Time" in ${ZONE}`,
    clockZone: ZONE,
    interval: 10,
    serial, // the SMid of its bundles: the meter ID the bridge publishes it under
    encrypted: false,
    render: (s: HouseholdState): MqttOut[] => {
      // Written by hand, not JSON.stringify: Tasmota prints every field with its script's decimals (1.000, not 1),
      // and that is how readers tell kW from W.
      const kw = (w: number) => (w / 1000).toFixed(3);
      const kwh = (wh: number) => (wh / 1000).toFixed(3);
      const z = [
        `"SMid":"${serial}"`,
        `"Pi":${kw(s.powerIn)}`,
        `"Po":${kw(s.powerOut)}`,
        `"Ei":${kwh(s.energyIn[0] + s.energyIn[1])}`,
        `"Eo":${kwh(s.energyOut[0] + s.energyOut[1])}`,
        `"Ei1":${kwh(s.energyIn[0])}`,
        `"Ei2":${kwh(s.energyIn[1])}`,
        `"Eo1":${kwh(s.energyOut[0])}`,
        `"Eo2":${kwh(s.energyOut[1])}`,
        ...s.phases.map((p, i) => `"I${i + 1}":${p.current.toFixed(2)}`),
      ];
      return [{ topic: `tele/${topic}/SENSOR`, payload: `{"Time":"${tasmotaTime(s.time)}","z":{${z.join(',')}}}` }];
    },
  };
}

export function datacollectorMeter(): MqttMeter {
  const serial = 'LGZ1030000450777';
  return {
    kind: 'mqtt',
    model: 'datacollector',
    description:
      'smartmeter-datacollector on MQTT: smartmeter/LGZ1030000450777/<NAME>, one value per message, every 5 s',
    interval: 5,
    serial,
    encrypted: false,
    render: (s: HouseholdState): MqttOut[] => {
      const values: [string, number][] = [
        ['ACTIVE_POWER_P', s.powerIn],
        ['ACTIVE_POWER_N', s.powerOut],
        ['ACTIVE_ENERGY_P', s.energyIn[0] + s.energyIn[1]],
        ['ACTIVE_ENERGY_N', s.energyOut[0] + s.energyOut[1]],
        ['ACTIVE_ENERGY_P_T1', s.energyIn[0]],
        ['ACTIVE_ENERGY_P_T2', s.energyIn[1]],
        ...s.phases.map((p, i): [string, number] => [`CURRENT_L${i + 1}`, Math.round(p.current * 100) / 100]),
        ...s.phases.map((p, i): [string, number] => [`VOLTAGE_L${i + 1}`, Math.round(p.voltage * 10) / 10]),
      ];
      const timestamp = Math.floor(s.time);
      return values.map(([name, value]) => ({
        topic: `smartmeter/${serial}/${name}`,
        payload: JSON.stringify({ value: Math.round(value * 1000) / 1000, timestamp }),
      }));
    },
  };
}
