/**
 * Meter families (data only): how to read pushes that leave something out. Registers pushed without their
 * scaler_unit get the unit their OBIS code implies and the power of ten below; pushes without OBIS codes get them
 * by position. The first family whose every `match` criterion holds is taken (options.family overrides).
 *
 * Sources: the meters' customer-interface descriptions as summarised in ../shared/corpus/README.md ("How the DLMS
 * expectations were read"), checked against the corpus captures.
 *
 * E450 and E570 pushes over the Swiss VSE layout are identical except for the phase-current scale (0.01 A vs 1 A).
 * The frame tells the model only through the system title of a ciphered push (Landis+Gyr titles read `LGZg` + `s`
 * for E450, `t` for E570). Unciphered, the family stays `lg-e450-e570` and currents are left unscaled without unit
 * rather than guessed a factor 100 wrong: set options.family ('lg-e450' or 'lg-e570') to scale them.
 */
import type { Quantity } from './quantity.ts';

/** Power of ten per quantity; null: the scale is unknown, so the value stays raw and without unit. */
export type Scaling = Partial<Record<Quantity, number | null>>;

export interface FamilyMatch {
  /** The list identifier (first visible string) of Norwegian/Danish HAN pushes, e.g. `KFM_001`. */
  listId?: string;
  /** ASCII start of the system title (from ciphering), e.g. `LGZgs`. */
  systemTitlePrefix?: string;
  /** FLAG code from the system title or the COSEM logical device name (0-0:42.0.0). */
  manufacturer?: string;
  /** Logical name of the push-setup object in the push's object list. */
  pushSetup?: string;
  /** Whether the push starts with its object list. */
  objectList?: boolean;
  /** Czech pushes with an untagged attribute descriptor before each value. */
  descriptors?: boolean;
}

export interface MeterFamily {
  id: string;
  description: string;
  match: FamilyMatch;
  scaling: Scaling;
  /** OBIS codes by position for pushes without codes, keyed by the number of values in the push. */
  layouts?: Readonly<Record<number, readonly (string | null)[]>>;
}

/** Used when no family matched: energy in Wh and power in W are the norm; other scales are unknown. */
export const DEFAULT_SCALING: Scaling = { energy: 0, power: 0 };

const NO_HAN_LIST2_3P = [
  '1-1:0.2.129',
  '0-0:96.1.0',
  '0-0:96.1.7',
  '1-0:1.7.0',
  '1-0:2.7.0',
  '1-0:3.7.0',
  '1-0:4.7.0',
  '1-0:31.7.0',
  '1-0:51.7.0',
  '1-0:71.7.0',
  '1-0:32.7.0',
  '1-0:52.7.0',
  '1-0:72.7.0',
];
const NO_HAN_LIST2_1P = [...NO_HAN_LIST2_3P.slice(0, 7), '1-0:31.7.0', '1-0:32.7.0'];
const NO_HAN_LIST3_TAIL = ['0-0:1.0.0', '1-0:1.8.0', '1-0:2.8.0', '1-0:3.8.0', '1-0:4.8.0'];

export const FAMILIES: readonly MeterFamily[] = [
  {
    id: 'kamstrup-han',
    description: 'Kamstrup Omnipower HAN (NO/DK), list Kamstrup_V0001: OBIS/value pairs without scaler',
    match: { listId: 'Kamstrup_V0001' },
    scaling: { energy: 1, power: 0, voltage: 0, current: -2, powerFactor: -2 },
  },
  {
    id: 'kaifa-han',
    description: 'Kaifa HAN (NO), list KFM_001: values without OBIS codes, lists 2 and 3, one or three phases',
    match: { listId: 'KFM_001' },
    scaling: { energy: 0, power: 0, voltage: -1, current: -3 },
    layouts: {
      9: NO_HAN_LIST2_1P,
      13: NO_HAN_LIST2_3P,
      14: [...NO_HAN_LIST2_1P, ...NO_HAN_LIST3_TAIL],
      18: [...NO_HAN_LIST2_3P, ...NO_HAN_LIST3_TAIL],
    },
  },
  {
    id: 'aidon-han',
    description: 'Aidon HAN (NO), list AIDON_V0001: registers with scaler_unit',
    match: { listId: 'AIDON_V0001' },
    scaling: {},
  },
  {
    id: 'lg-e570',
    description: 'Landis+Gyr E570 (CH VSE push): currents in A, power factor in 0.001',
    match: { systemTitlePrefix: 'LGZgt', objectList: true },
    scaling: { energy: 0, power: 0, voltage: 0, current: 0, powerFactor: -3 },
  },
  {
    id: 'lg-e450',
    description: 'Landis+Gyr E450 (CH VSE push): currents in 0.01 A, power factor in 0.001',
    match: { systemTitlePrefix: 'LGZgs', objectList: true },
    scaling: { energy: 0, power: 0, voltage: 0, current: -2, powerFactor: -3 },
  },
  {
    id: 'lg-e450-pairs',
    description: 'Landis+Gyr E450 OBIS/value pairs without object list (Austrian utilities): all values unscaled',
    match: { systemTitlePrefix: 'LGZgs', objectList: false },
    scaling: { energy: 0, power: 0, voltage: 0, current: 0, powerFactor: 0 },
  },
  {
    id: 'iskra-am550',
    description: 'Iskra AM550 (CH VSE push): voltage in 0.1 V, currents in 0.01 A, power factor in 0.001',
    match: { manufacturer: 'ISK', pushSetup: '0-6:25.9.0' },
    scaling: { energy: 0, power: 0, voltage: -1, current: -2, powerFactor: -3 },
  },
  {
    id: 'lg-e360',
    description: 'Landis+Gyr E360 (CH VSE 2026 push): voltage in 0.1 V, currents in 0.01 A, power factor in 0.001',
    match: { manufacturer: 'LGZ', pushSetup: '0-6:25.9.0' },
    scaling: { energy: 0, power: 0, voltage: -1, current: -2, powerFactor: -3 },
  },
  {
    id: 'lg-e450-e570',
    description: 'Landis+Gyr E450 or E570 (CH VSE push, model not in the frame): currents left unscaled',
    match: { pushSetup: '0-8:25.9.0' },
    scaling: { energy: 0, power: 0, voltage: 0, current: null, powerFactor: -3 },
  },
  {
    id: 'cz-descriptors',
    description: 'Czech pushes (EG.D, Sagemcom XT211) with attribute descriptors: all values unscaled',
    match: { descriptors: true },
    scaling: { energy: 0, power: 0, voltage: 0, current: 0, powerFactor: 0 },
  },
];

export function familyById(id: string): MeterFamily | undefined {
  return FAMILIES.find((f) => f.id === id);
}
