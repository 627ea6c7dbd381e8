/**
 * The names of the api's methods, without their schemas: the sandboxed preload builds one function per name from
 * this list and must not bundle zod (the main process validates). shared/api.ts's table is checked against it.
 */
export const API_METHOD_NAMES = [
  'getBridge',
  'getDiagnostics',
  'listSerialPorts',
  'probeSerialPort',
  'discoveryList',
  'discoveryProbe',
  'discoveryScan',
  'discoveryStopScan',
  'discoveryBrowseMdns',
  'discoveryAdopt',
  'getConfig',
  'patchConfig',
  'setSecret',
  'deleteSecret',
  'testBrokerConnection',
  'addSource',
  'getHistory',
  'exportHistoryCsv',
] as const;

export type ApiMethod = (typeof API_METHOD_NAMES)[number];
