/** A line as the `decode` command prints it, read back from JSON: every field optional, as a consumer must assume. */
export interface DecodedValue {
  obis?: string | null;
  value: number | string;
  unit: string | null;
  /** M-Bus records only. */
  function?: string;
  storage?: number;
  tariff?: number;
  subunit?: number;
  quantity?: string;
}

export interface DecodedLine {
  protocol?: string;
  meterId?: string;
  device?: Record<string, string | number>;
  values?: DecodedValue[];
  /** The profile readings `decode` adds to each message. */
  readings?: { quantity: string; value: number; unit: string; obis?: string }[];
  error?: { kind: string; message: string };
}
