/**
 * The zone a meter clock without a UTC offset runs on, when the config names none: by meter family, the country where
 * that family's dialect is used (all of them on Central European rules today, but named by country so that a change
 * there is a data change here); undefined when the family says nothing, and the machine's zone applies.
 */
const FAMILY_ZONES: Readonly<Record<string, string>> = {
  // gPlug: Tasmota on Swiss (and Austrian) meters; its "Time" is the device's local clock.
  gplug: 'Europe/Zurich',
  'lg-e450': 'Europe/Zurich',
  'lg-e450-pairs': 'Europe/Zurich',
  'lg-e450-e570': 'Europe/Zurich',
  'lg-e570': 'Europe/Zurich',
  'lg-e360': 'Europe/Zurich',
  'iskra-am550': 'Europe/Vienna',
  'kamstrup-han': 'Europe/Oslo',
  'kaifa-han': 'Europe/Oslo',
  'aidon-han': 'Europe/Oslo',
  'cz-descriptors': 'Europe/Prague',
};

export function familyTimeZone(family: string | undefined): string | undefined {
  return family === undefined ? undefined : FAMILY_ZONES[family];
}
