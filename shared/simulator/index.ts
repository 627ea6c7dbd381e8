/** Every meter the simulator can play, by model name. */
import type { SimulatedMeter, SimulationKeys } from './meter.ts';
import { lgE360Meter, lgE450Meter } from './meters/dlms.ts';
import { dsmr5EncryptedMeter, dsmr5Meter, iskraAm550P1Meter } from './meters/dsmr.ts';
import { datacollectorMeter, gplugMeter } from './meters/gateways.ts';
import { iecModeCMeter, iecModeDMeter } from './meters/iec62056-21.ts';
import { heatMeter } from './meters/mbus.ts';
import { wmbusHeatMeter } from './meters/wmbus.ts';
import { ehzMeter } from './meters/sml.ts';

export { Household, type HouseholdState } from './household.ts';
export type { LineSettings, MqttMeter, MqttOut, SimulatedMeter, SimulationKeys, WireMeter } from './meter.ts';

export const SIMULATED_METERS: Readonly<Record<string, (keys: SimulationKeys) => SimulatedMeter>> = {
  dsmr5: dsmr5Meter,
  'dsmr5-encrypted': dsmr5EncryptedMeter,
  'iskra-am550': iskraAm550P1Meter,
  'lg-e450': lgE450Meter,
  'lg-e360': lgE360Meter,
  'mbus-heat': heatMeter,
  'wmbus-heat': wmbusHeatMeter,
  ehz: ehzMeter,
  'iec-d': iecModeDMeter,
  'iec-c': iecModeCMeter,
  gplug: gplugMeter,
  datacollector: datacollectorMeter,
};
