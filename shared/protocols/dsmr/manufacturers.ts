/**
 * Manufacturer names for the three-letter code that opens a DSMR identification line (`/ISK5...`). Most are DLMS UA
 * FLAG IDs; a few (Ene, FLU) are the brand a grid operator had put there. FLAG IDs are case-insensitive: the case of
 * the third letter only signals the meter's reaction time (IEC 62056-21).
 */
const MANUFACTURERS: Readonly<Record<string, string>> = {
  EBZ: 'eBZ',
  ELS: 'Elster',
  EMH: 'EMH metering',
  ENE: 'Sagemcom (Enexis)',
  ESY: 'EasyMeter',
  FLU: 'Fluvius (Sagemcom)',
  HLY: 'Holley',
  ISK: 'Iskraemeco',
  KAM: 'Kamstrup',
  KFM: 'Kaifa',
  KMP: 'Kamstrup',
  LGB: 'Landis+Gyr',
  LGF: 'Landis+Gyr',
  LGZ: 'Landis+Gyr',
  SAG: 'Sagemcom',
  XMX: 'Landis+Gyr (Xemex)',
  ZPA: 'ZPA Smart Energy',
};

export function manufacturerName(flag: string): string | undefined {
  return MANUFACTURERS[flag.toUpperCase()];
}
