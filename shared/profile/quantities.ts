/**
 * The profile's quantity table: one row per published quantity, with its topic, unit, Home Assistant classes and the
 * meter registers that feed it. Data only; harmonize.ts reads it, docs/mqtt-profile.md documents it row by row.
 * A new quantity is a new row (a minor profile version); changing a row's topic or unit is a breaking change.
 */
import type { ProfileUnit } from './units.ts';

export type Medium = 'electricity' | 'gas' | 'water' | 'hot_water' | 'heat' | 'cooling';

export interface HaSensorClass {
  /** Home Assistant `device_class`; absent where HA has none that fits (HA would reject or mis-convert the value). */
  deviceClass?: string;
  stateClass: 'measurement' | 'total_increasing';
  /** `suggested_display_precision`: decimals HA shows; the payload itself is never rounded to it. */
  precision: number;
}

export interface Quantity {
  /** Unique, snake_case; also the last topic level and the key in the state bundle. */
  id: string;
  /** Relative value topic, `<group>/<id>`, appended to `<base>/<meterId>/`. */
  topic: string;
  unit: ProfileUnit;
  medium: Medium;
  /** Short name, used as the Home Assistant entity name. */
  label: string;
  meaning: string;
  ha: HaSensorClass;
  /** Electricity registers `C.D.E` (OBIS A = 1, any channel B, no historical F). The first is the canonical code. */
  obis?: readonly string[];
  /** When no register feeds this quantity, it is the sum of these quantities (a total from its tariff registers). */
  sumOf?: readonly string[];
  /** Fed by a DSMR sub-meter channel (0-n:24.2.x) whose 0-n:24.1.0 device type is this medium, unit deciding the row. */
  dsmrSubmeter?: true;
  /** Fed by an EN 13757-3 record of this medium with this VIF quantity, instantaneous, storage 0, subunit 0. */
  mbus?: {
    vif: string;
    tariff?: number;
    /** Other VIF quantities that fill it when `vif` is not in the message, in order of preference. */
    also?: readonly string[];
  };
  /** Values outside are implausible for the quantity (an unscaled raw register) and are not published. */
  range?: readonly [number, number];
}

const POWER: HaSensorClass = { deviceClass: 'power', stateClass: 'measurement', precision: 0 };
const ENERGY: HaSensorClass = { deviceClass: 'energy', stateClass: 'total_increasing', precision: 0 };
const REACTIVE_POWER: HaSensorClass = { deviceClass: 'reactive_power', stateClass: 'measurement', precision: 0 };
/** HA's `reactive_energy` class only exists since 2025.2; without a class, older versions still accept the sensor. */
const REACTIVE_ENERGY: HaSensorClass = { stateClass: 'total_increasing', precision: 0 };
const APPARENT_POWER: HaSensorClass = { deviceClass: 'apparent_power', stateClass: 'measurement', precision: 0 };
const APPARENT_ENERGY: HaSensorClass = { stateClass: 'total_increasing', precision: 0 };
const VOLTAGE: HaSensorClass = { deviceClass: 'voltage', stateClass: 'measurement', precision: 1 };
const CURRENT: HaSensorClass = { deviceClass: 'current', stateClass: 'measurement', precision: 2 };
const POWER_FACTOR: HaSensorClass = { deviceClass: 'power_factor', stateClass: 'measurement', precision: 3 };
const FREQUENCY: HaSensorClass = { deviceClass: 'frequency', stateClass: 'measurement', precision: 2 };
const GAS: HaSensorClass = { deviceClass: 'gas', stateClass: 'total_increasing', precision: 3 };
const WATER: HaSensorClass = { deviceClass: 'water', stateClass: 'total_increasing', precision: 3 };
const VOLUME: HaSensorClass = { deviceClass: 'volume', stateClass: 'total_increasing', precision: 3 };
const FLOW: HaSensorClass = { deviceClass: 'volume_flow_rate', stateClass: 'measurement', precision: 3 };
const TEMPERATURE: HaSensorClass = { deviceClass: 'temperature', stateClass: 'measurement', precision: 1 };
/** A difference in K must not get the temperature class: HA would convert it to °C as an absolute temperature. */
const TEMPERATURE_DIFFERENCE: HaSensorClass = { stateClass: 'measurement', precision: 2 };

const TARIFF_NOTE =
  'tariff numbering as the meter sends it (DSMR NL: 1 = low, 2 = normal; Belgium: 1 = day, 2 = night)';

export const QUANTITIES: readonly Quantity[] = [
  // Active power: magnitudes >= 0, import = drawn from the grid.
  {
    id: 'power_in',
    topic: 'power/power_in',
    unit: 'W',
    medium: 'electricity',
    label: 'Power in',
    meaning: 'Active power imported from the grid (+P), all phases',
    ha: POWER,
    obis: ['1.7.0'],
  },
  {
    id: 'power_out',
    topic: 'power/power_out',
    unit: 'W',
    medium: 'electricity',
    label: 'Power out',
    meaning: 'Active power exported to the grid (−P), all phases',
    ha: POWER,
    obis: ['2.7.0'],
  },
  ...(['l1', 'l2', 'l3'] as const).flatMap((phase, i): Quantity[] => [
    {
      id: `power_in_${phase}`,
      topic: `power/power_in_${phase}`,
      unit: 'W',
      medium: 'electricity',
      label: `Power in ${phase.toUpperCase()}`,
      meaning: `Active power imported on phase ${phase.toUpperCase()} (+P)`,
      ha: POWER,
      obis: [`${21 + 20 * i}.7.0`],
    },
    {
      id: `power_out_${phase}`,
      topic: `power/power_out_${phase}`,
      unit: 'W',
      medium: 'electricity',
      label: `Power out ${phase.toUpperCase()}`,
      meaning: `Active power exported on phase ${phase.toUpperCase()} (−P)`,
      ha: POWER,
      obis: [`${22 + 20 * i}.7.0`],
    },
  ]),
  // Active energy registers; the totals fall back to the sum of the tariff registers the meter sends.
  {
    id: 'energy_in',
    topic: 'energy/energy_in',
    unit: 'Wh',
    medium: 'electricity',
    label: 'Energy in',
    meaning: 'Active energy imported (+A), total register, else the sum of the tariff registers sent',
    ha: ENERGY,
    obis: ['1.8.0'],
    sumOf: ['energy_in_t1', 'energy_in_t2', 'energy_in_t3', 'energy_in_t4'],
    mbus: { vif: 'Energy' },
  },
  {
    id: 'energy_out',
    topic: 'energy/energy_out',
    unit: 'Wh',
    medium: 'electricity',
    label: 'Energy out',
    meaning: 'Active energy exported (−A), total register, else the sum of the tariff registers sent',
    ha: ENERGY,
    obis: ['2.8.0'],
    sumOf: ['energy_out_t1', 'energy_out_t2', 'energy_out_t3', 'energy_out_t4'],
  },
  ...([1, 2, 3, 4] as const).map((tariff): Quantity => ({
    id: `energy_in_t${tariff}`,
    topic: `energy/energy_in_t${tariff}`,
    unit: 'Wh',
    medium: 'electricity',
    label: `Energy in T${tariff}`,
    meaning: `Active energy imported in tariff ${tariff}; ${TARIFF_NOTE}`,
    ha: ENERGY,
    obis: [`1.8.${tariff}`],
    mbus: { vif: 'Energy', tariff },
  })),
  ...([1, 2, 3, 4] as const).map((tariff): Quantity => ({
    id: `energy_out_t${tariff}`,
    topic: `energy/energy_out_t${tariff}`,
    unit: 'Wh',
    medium: 'electricity',
    label: `Energy out T${tariff}`,
    meaning: `Active energy exported in tariff ${tariff}; ${TARIFF_NOTE}`,
    ha: ENERGY,
    obis: [`2.8.${tariff}`],
  })),
  // Reactive power and energy: import/export (+R/−R) and the four quadrants.
  {
    id: 'reactive_power_in',
    topic: 'reactive_power/reactive_power_in',
    unit: 'var',
    medium: 'electricity',
    label: 'Reactive power in',
    meaning: 'Reactive power import (+R, quadrants I + II)',
    ha: REACTIVE_POWER,
    obis: ['3.7.0'],
  },
  {
    id: 'reactive_power_out',
    topic: 'reactive_power/reactive_power_out',
    unit: 'var',
    medium: 'electricity',
    label: 'Reactive power out',
    meaning: 'Reactive power export (−R, quadrants III + IV)',
    ha: REACTIVE_POWER,
    obis: ['4.7.0'],
  },
  ...([1, 2, 3, 4] as const).map((q): Quantity => ({
    id: `reactive_power_q${q}`,
    topic: `reactive_power/reactive_power_q${q}`,
    unit: 'var',
    medium: 'electricity',
    label: `Reactive power Q${q}`,
    meaning: `Reactive power in quadrant ${q}`,
    ha: REACTIVE_POWER,
    obis: [`${4 + q}.7.0`],
  })),
  {
    id: 'reactive_energy_in',
    topic: 'reactive_energy/reactive_energy_in',
    unit: 'varh',
    medium: 'electricity',
    label: 'Reactive energy in',
    meaning: 'Reactive energy import (+R, quadrants I + II)',
    ha: REACTIVE_ENERGY,
    obis: ['3.8.0'],
  },
  {
    id: 'reactive_energy_out',
    topic: 'reactive_energy/reactive_energy_out',
    unit: 'varh',
    medium: 'electricity',
    label: 'Reactive energy out',
    meaning: 'Reactive energy export (−R, quadrants III + IV)',
    ha: REACTIVE_ENERGY,
    obis: ['4.8.0'],
  },
  // Swiss E450/E570 pushes carry reactive energy per tariff as well.
  ...(['in', 'out'] as const).flatMap((direction, i) =>
    ([1, 2, 3, 4] as const).map((tariff): Quantity => ({
      id: `reactive_energy_${direction}_t${tariff}`,
      topic: `reactive_energy/reactive_energy_${direction}_t${tariff}`,
      unit: 'varh',
      medium: 'electricity',
      label: `Reactive energy ${direction} T${tariff}`,
      meaning: `Reactive energy ${direction === 'in' ? 'imported (+R)' : 'exported (−R)'} in tariff ${tariff}`,
      ha: REACTIVE_ENERGY,
      obis: [`${3 + i}.8.${tariff}`],
    })),
  ),
  ...([1, 2, 3, 4] as const).map((q): Quantity => ({
    id: `reactive_energy_q${q}`,
    topic: `reactive_energy/reactive_energy_q${q}`,
    unit: 'varh',
    medium: 'electricity',
    label: `Reactive energy Q${q}`,
    meaning: `Reactive energy in quadrant ${q}`,
    ha: REACTIVE_ENERGY,
    obis: [`${4 + q}.8.0`],
  })),
  // Apparent power and energy.
  {
    id: 'apparent_power_in',
    topic: 'apparent_power/apparent_power_in',
    unit: 'VA',
    medium: 'electricity',
    label: 'Apparent power in',
    meaning: 'Apparent power import (+S)',
    ha: APPARENT_POWER,
    obis: ['9.7.0'],
  },
  {
    id: 'apparent_power_out',
    topic: 'apparent_power/apparent_power_out',
    unit: 'VA',
    medium: 'electricity',
    label: 'Apparent power out',
    meaning: 'Apparent power export (−S)',
    ha: APPARENT_POWER,
    obis: ['10.7.0'],
  },
  {
    id: 'apparent_energy_in',
    topic: 'apparent_energy/apparent_energy_in',
    unit: 'VAh',
    medium: 'electricity',
    label: 'Apparent energy in',
    meaning: 'Apparent energy import (+S)',
    ha: APPARENT_ENERGY,
    obis: ['9.8.0'],
  },
  {
    id: 'apparent_energy_out',
    topic: 'apparent_energy/apparent_energy_out',
    unit: 'VAh',
    medium: 'electricity',
    label: 'Apparent energy out',
    meaning: 'Apparent energy export (−S)',
    ha: APPARENT_ENERGY,
    obis: ['10.8.0'],
  },
  // Grid quality, per phase.
  ...(['l1', 'l2', 'l3'] as const).flatMap((phase, i): Quantity[] => [
    {
      id: `voltage_${phase}`,
      topic: `voltage/voltage_${phase}`,
      unit: 'V',
      medium: 'electricity',
      label: `Voltage ${phase.toUpperCase()}`,
      meaning: `Instantaneous voltage of phase ${phase.toUpperCase()} against neutral`,
      ha: VOLTAGE,
      obis: [`${32 + 20 * i}.7.0`],
    },
    {
      id: `current_${phase}`,
      topic: `current/current_${phase}`,
      unit: 'A',
      medium: 'electricity',
      label: `Current ${phase.toUpperCase()}`,
      meaning: `Instantaneous current of phase ${phase.toUpperCase()}`,
      ha: CURRENT,
      obis: [`${31 + 20 * i}.7.0`],
    },
  ]),
  {
    id: 'current_neutral',
    topic: 'current/current_neutral',
    unit: 'A',
    medium: 'electricity',
    label: 'Current N',
    meaning: 'Instantaneous current in the neutral conductor',
    ha: CURRENT,
    obis: ['91.7.0'],
  },
  {
    id: 'power_factor',
    topic: 'power_factor/power_factor',
    unit: '',
    medium: 'electricity',
    label: 'Power factor',
    meaning: 'Power factor of all phases, a ratio from −1 to 1',
    ha: POWER_FACTOR,
    obis: ['13.7.0'],
    range: [-1, 1],
  },
  ...(['l1', 'l2', 'l3'] as const).map((phase, i): Quantity => ({
    id: `power_factor_${phase}`,
    topic: `power_factor/power_factor_${phase}`,
    unit: '',
    medium: 'electricity',
    label: `Power factor ${phase.toUpperCase()}`,
    meaning: `Power factor of phase ${phase.toUpperCase()}, a ratio from −1 to 1`,
    ha: POWER_FACTOR,
    obis: [`${33 + 20 * i}.7.0`],
    range: [-1, 1],
  })),
  {
    id: 'frequency',
    topic: 'frequency/frequency',
    unit: 'Hz',
    medium: 'electricity',
    label: 'Frequency',
    meaning: 'Grid frequency',
    ha: FREQUENCY,
    obis: ['14.7.0'],
  },
  // Sub-meters (DSMR M-Bus channels) and stand-alone M-Bus meters; their readings carry their own capture time.
  {
    id: 'gas_volume',
    topic: 'gas/gas_volume',
    unit: 'm3',
    medium: 'gas',
    label: 'Gas volume',
    meaning: 'Gas meter register (DSMR NL: temperature-corrected; Belgium 24.2.3: not corrected)',
    ha: GAS,
    dsmrSubmeter: true,
    // Billing uses the volume at base conditions where a meter (or its volume converter) sends one.
    mbus: { vif: 'Volume (at base conditions)', also: ['Volume', 'Volume (at metering conditions)'] },
  },
  {
    id: 'water_volume',
    topic: 'water/water_volume',
    unit: 'm3',
    medium: 'water',
    label: 'Water volume',
    meaning: 'Cold water meter register',
    ha: WATER,
    dsmrSubmeter: true,
    mbus: { vif: 'Volume' },
  },
  {
    id: 'water_flow',
    topic: 'water/water_flow',
    unit: 'm3/h',
    medium: 'water',
    label: 'Water flow',
    meaning: 'Instantaneous water flow',
    ha: FLOW,
    mbus: { vif: 'Volume flow' },
  },
  {
    id: 'hot_water_volume',
    topic: 'water/hot_water_volume',
    unit: 'm3',
    medium: 'hot_water',
    label: 'Hot water volume',
    meaning: 'Warm or hot water meter register',
    ha: WATER,
    dsmrSubmeter: true,
    mbus: { vif: 'Volume' },
  },
  {
    id: 'heat_energy',
    topic: 'heat/heat_energy',
    unit: 'Wh',
    medium: 'heat',
    label: 'Heat energy',
    meaning: 'Heat meter energy register (GJ, MWh, J converted to Wh)',
    ha: ENERGY,
    dsmrSubmeter: true,
    mbus: { vif: 'Energy' },
  },
  {
    id: 'heat_volume',
    topic: 'heat/heat_volume',
    unit: 'm3',
    medium: 'heat',
    label: 'Heat volume',
    meaning: 'Volume of heating water that passed the heat meter',
    ha: VOLUME,
    dsmrSubmeter: true,
    mbus: { vif: 'Volume' },
  },
  {
    id: 'heat_power',
    topic: 'heat/heat_power',
    unit: 'W',
    medium: 'heat',
    label: 'Heat power',
    meaning: 'Instantaneous thermal power',
    ha: POWER,
    mbus: { vif: 'Power' },
  },
  {
    id: 'heat_flow',
    topic: 'heat/heat_flow',
    unit: 'm3/h',
    medium: 'heat',
    label: 'Heat flow',
    meaning: 'Instantaneous flow of heating water',
    ha: FLOW,
    mbus: { vif: 'Volume flow' },
  },
  {
    id: 'heat_flow_temperature',
    topic: 'heat/heat_flow_temperature',
    unit: '°C',
    medium: 'heat',
    label: 'Flow temperature',
    meaning: 'Flow (supply) temperature',
    ha: TEMPERATURE,
    mbus: { vif: 'Flow temperature' },
  },
  {
    id: 'heat_return_temperature',
    topic: 'heat/heat_return_temperature',
    unit: '°C',
    medium: 'heat',
    label: 'Return temperature',
    meaning: 'Return temperature',
    ha: TEMPERATURE,
    mbus: { vif: 'Return temperature' },
  },
  {
    id: 'heat_temperature_difference',
    topic: 'heat/heat_temperature_difference',
    unit: 'K',
    medium: 'heat',
    label: 'Temperature difference',
    meaning: 'Flow minus return temperature',
    ha: TEMPERATURE_DIFFERENCE,
    mbus: { vif: 'Temperature difference' },
  },
  {
    id: 'cooling_energy',
    topic: 'cooling/cooling_energy',
    unit: 'Wh',
    medium: 'cooling',
    label: 'Cooling energy',
    meaning: 'Cooling meter energy register',
    ha: ENERGY,
    dsmrSubmeter: true,
    mbus: { vif: 'Energy' },
  },
];

/**
 * Registers that carry import and export as one signed value, import positive (OBIS 16.7.0 and its phases). They are
 * split into the pair (in = max(v, 0), out = max(−v, 0)), and only when the meter sends neither register of the pair.
 */
export const SIGNED_POWER: readonly { obis: string; positive: string; negative: string }[] = [
  { obis: '16.7.0', positive: 'power_in', negative: 'power_out' },
  { obis: '36.7.0', positive: 'power_in_l1', negative: 'power_out_l1' },
  { obis: '56.7.0', positive: 'power_in_l2', negative: 'power_out_l2' },
  { obis: '76.7.0', positive: 'power_in_l3', negative: 'power_out_l3' },
];

/** DSMR sub-meter registers on channel n (OBIS 0-n:…): the device type, and the value registers it qualifies. */
export const DSMR_SUBMETER = { deviceType: '24.1.0', values: ['24.2.1', '24.2.3', '24.3.0'] } as const;

/**
 * EN 13757-3 medium codes (the DSMR 0-n:24.1.0 device type) and the medium names an M-Bus header decodes to
 * (libmbus spelling), for the media the profile publishes. Other media (heat cost allocators, breakers) are not.
 */
export const MEDIA: readonly { code: number; medium: Medium; names: readonly string[] }[] = [
  { code: 2, medium: 'electricity', names: ['Electricity'] },
  { code: 3, medium: 'gas', names: ['Gas', 'Gas Mode 2'] },
  { code: 4, medium: 'heat', names: ['Heat: Outlet', 'Heat', 'Heat Mode 2'] },
  { code: 6, medium: 'hot_water', names: ['Warm water (30-90°C)', 'Hot Water', 'Hot Water Mode 2'] },
  { code: 7, medium: 'water', names: ['Water', 'Water Mode 2'] },
  { code: 10, medium: 'cooling', names: ['Cooling load meter: Outlet'] },
  { code: 11, medium: 'cooling', names: ['Cooling load meter: Inlet'] },
  { code: 12, medium: 'heat', names: ['Heat: Inlet'] },
  { code: 13, medium: 'heat', names: ['Heat / Cooling load meter'] },
  { code: 21, medium: 'hot_water', names: ['Hot water (>90°C)'] },
  { code: 22, medium: 'water', names: ['Cold water'] },
];
