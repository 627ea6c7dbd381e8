/**
 * Meter families (data only): how to read pushes that leave something out. Registers pushed without their
 * scaler_unit get the unit their OBIS code implies and the power of ten below; pushes without OBIS codes get them
 * by position. The first family whose every `match` criterion holds (of one of its alternatives) is taken
 * (options.family overrides).
 *
 * Sources: the meters' customer-interface descriptions as summarised in ../shared/corpus/README.md ("How the DLMS
 * expectations were read"), checked against the corpus captures.
 *
 * E450 and E570 pushes over the Swiss VSE layout are alike except for the phase-current scale (0.01 A vs 1 A).
 * A ciphered push tells the model by its system title (Landis+Gyr titles read `LGZg` + `s` for E450, `t` for E570).
 * Unciphered, the push list tells it: in every configuration seen (the VSE layout of 2021 and CFG2026) the E450 lists
 * the meter's serial 0-0:96.1.1 next to the logical device name 0-0:42.0.0, the E570 only the device name. A push
 * with neither stays `lg-e450-e570`, its currents left unscaled without unit rather than guessed a factor 100 wrong;
 * options.family ('lg-e450' or 'lg-e570') overrides.
 */
import type { Transport } from './link.ts';
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
  /** ASCII start of the list identifier (the first value, when it has no OBIS code), e.g. `ISK` (Iskra ECE). */
  listIdPrefix?: string;
  /** Number of values, for pushes told apart by little else (Kaifa list 1: one value). */
  entries?: number;
  /** The link the push came over: a bare APDU has no checksum, so a lone nameless value there may be noise. */
  transport?: Transport;
  /** No value carries an OBIS code. */
  unnamed?: boolean;
  /** OBIS codes the push must list, and codes it must not. */
  listing?: readonly string[];
  notListing?: readonly string[];
}

export interface MeterFamily {
  id: string;
  description: string;
  /** Every criterion must hold; of several alternatives, one. */
  match: FamilyMatch | readonly FamilyMatch[];
  scaling: Scaling;
  /**
   * Zone of the meter clock where the family is in use (its country): pushes without a clock deviation are read in
   * it when no zone is configured, rather than in the machine's zone (a UTC container would be hours off).
   */
  timeZone: string;
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
    timeZone: 'Europe/Oslo',
    description: 'Kamstrup Omnipower HAN (NO/DK), list Kamstrup_V0001: OBIS/value pairs without scaler',
    match: { listId: 'Kamstrup_V0001' },
    scaling: { energy: 1, power: 0, voltage: 0, current: -2, powerFactor: -2 },
  },
  {
    id: 'kaifa-han',
    timeZone: 'Europe/Oslo',
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
    timeZone: 'Europe/Oslo',
    description: 'Aidon HAN (NO), list AIDON_V0001: registers with scaler_unit',
    match: { listId: 'AIDON_V0001' },
    scaling: {},
  },
  {
    id: 'kaifa-han-list1',
    timeZone: 'Europe/Oslo',
    description: 'Kaifa HAN (NO), list 1: a single value without OBIS code or list id, active power import in W',
    match: { entries: 1, unnamed: true, objectList: false, transport: 'hdlc' },
    scaling: { power: 0 },
    layouts: { 1: ['1-0:1.7.0'] },
  },
  {
    id: 'iskra-ece',
    timeZone: 'Europe/Ljubljana',
    description:
      'Iskra (SI, ECE lists): values without OBIS codes after the device name `ISK…`; list 1 of 18 values ' +
      '(instantaneous, voltage in 0.1 V, currents in 0.01 A as on the AM550), list 2 of 12 (energy registers in Wh)',
    match: { listIdPrefix: 'ISK', unnamed: true, objectList: false },
    scaling: { energy: 0, power: 0, voltage: -1, current: -2 },
    layouts: {
      18: [
        '0-0:42.0.0',
        '0-0:96.1.2',
        ...['1.7.0', '2.7.0', '3.7.0', '4.7.0', '32.7.0', '52.7.0', '72.7.0', '31.7.0', '51.7.0', '71.7.0'],
        ...['21.7.0', '41.7.0', '61.7.0', '22.7.0', '42.7.0', '62.7.0'],
      ].map((code) => (code.includes(':') ? code : `1-0:${code}`)),
      12: [
        '0-0:42.0.0',
        '0-0:96.1.3',
        '0-0:96.3.10',
        '0-0:96.14.0',
        ...['1.8.0', '1.8.1', '1.8.2', '2.8.0', '2.8.1', '2.8.2', '3.8.0', '4.8.0'].map((code) => `1-0:${code}`),
      ],
    },
  },
  {
    id: 'lg-e570',
    timeZone: 'Europe/Zurich',
    description: 'Landis+Gyr E570 (CH VSE push): currents in A, power factor in 0.001',
    match: [
      { systemTitlePrefix: 'LGZgt', objectList: true },
      { pushSetup: '0-8:25.9.0', listing: ['0-0:42.0.0'], notListing: ['0-0:96.1.1'] },
    ],
    scaling: { energy: 0, power: 0, voltage: 0, current: 0, powerFactor: -3 },
  },
  {
    id: 'lg-e450',
    timeZone: 'Europe/Zurich',
    description: 'Landis+Gyr E450 (CH VSE push): currents in 0.01 A, power factor in 0.001',
    match: [
      { systemTitlePrefix: 'LGZgs', objectList: true },
      { pushSetup: '0-8:25.9.0', listing: ['0-0:42.0.0', '0-0:96.1.1'] },
    ],
    scaling: { energy: 0, power: 0, voltage: 0, current: -2, powerFactor: -3 },
  },
  {
    id: 'lg-e450-pairs',
    timeZone: 'Europe/Vienna',
    description: 'Landis+Gyr E450 OBIS/value pairs without object list (Austrian utilities): all values unscaled',
    match: { systemTitlePrefix: 'LGZgs', objectList: false },
    scaling: { energy: 0, power: 0, voltage: 0, current: 0, powerFactor: 0 },
  },
  {
    id: 'iskra-am550',
    timeZone: 'Europe/Zurich',
    description: 'Iskra AM550 (CH VSE push): voltage in 0.1 V, currents in 0.01 A, power factor in 0.001',
    match: { manufacturer: 'ISK', pushSetup: '0-6:25.9.0' },
    scaling: { energy: 0, power: 0, voltage: -1, current: -2, powerFactor: -3 },
  },
  {
    id: 'lg-e360',
    timeZone: 'Europe/Zurich',
    description: 'Landis+Gyr E360 (CH VSE 2026 push): voltage in 0.1 V, currents in 0.01 A, power factor in 0.001',
    match: { manufacturer: 'LGZ', pushSetup: '0-6:25.9.0' },
    scaling: { energy: 0, power: 0, voltage: -1, current: -2, powerFactor: -3 },
  },
  {
    id: 'lg-e450-e570',
    timeZone: 'Europe/Zurich',
    description: 'Landis+Gyr E450 or E570 (CH VSE push, model not in the frame): currents left unscaled',
    match: { pushSetup: '0-8:25.9.0' },
    scaling: { energy: 0, power: 0, voltage: 0, current: null, powerFactor: -3 },
  },
  {
    id: 'cz-descriptors',
    timeZone: 'Europe/Prague',
    description: 'Czech pushes (EG.D, Sagemcom XT211) with attribute descriptors: all values unscaled',
    match: { descriptors: true },
    scaling: { energy: 0, power: 0, voltage: 0, current: 0, powerFactor: 0 },
  },
];

export function familyById(id: string): MeterFamily | undefined {
  return FAMILIES.find((f) => f.id === id);
}
