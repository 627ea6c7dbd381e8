/** The shared corpus (../shared/corpus, next to the project): real captures with the values an independent decoder read. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
export const corpusAvailable = existsSync(`${CORPUS_DIR}manifest.json`);

export interface ExpectedValue {
  obis: string | null;
  value: number | string;
  unit: string | null;
  raw?: number;
  alternatives?: { value: number | string; unit: string | null }[];
}

export interface ExpectedRecord {
  record: number;
  function: string;
  storage?: number;
  tariff?: number;
  subunit?: number;
  quantity?: string | null;
  unit?: string | null;
  value: number | string;
}

export interface CorpusCase {
  id: string;
  protocol: 'dsmr' | 'dlms' | 'mbus';
  file: string;
  key?: string;
  authKey?: string;
  meter: string;
  expected: {
    outcome?: 'decoded' | 'error';
    messages?: number;
    errorKinds?: string[];
    values?: ExpectedValue[];
    perMessage?: { values: ExpectedValue[] }[];
    meterId?: string;
    meterIdAlternatives?: string[];
    device?: Record<string, string | number>;
    records?: ExpectedRecord[];
  };
}

export function loadCorpus(): CorpusCase[] {
  if (!corpusAvailable) return [];
  return JSON.parse(readFileSync(`${CORPUS_DIR}manifest.json`, 'utf8')) as CorpusCase[];
}
