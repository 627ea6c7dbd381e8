/**
 * The bridge's own ID, made once per data dir and kept in `<data dir>/bridge-id`: what names this bridge to a broker
 * (its gateway sessions' client IDs) across restarts, and tells it apart from another bridge on the same broker.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const BRIDGE_ID_FILE = 'bridge-id';
const VALID = /^[0-9a-f]{12}$/u;

export interface LoadedBridgeId {
  id: string;
  /** Why the stored ID could not be used and a new one was made (its old sessions expire at the broker). */
  problem?: string;
}

/** Reads the data dir's bridge ID, making and saving one when there is none (or only a damaged one). */
export async function loadBridgeId(dataDir: string): Promise<LoadedBridgeId> {
  const path = join(dataDir, BRIDGE_ID_FILE);
  let problem: string | undefined;
  try {
    const stored = (await readFile(path, 'utf8')).trim();
    if (VALID.test(stored)) return { id: stored };
    problem = `${path} does not hold a bridge ID (12 hex digits): a new one is made`;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') problem = `cannot read ${path} (${code ?? 'unreadable'}): a new bridge ID is made`;
  }
  const id = randomBytes(6).toString('hex');
  try {
    await writeFile(path, `${id}\n`, { mode: 0o644 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unwritable';
    problem = `cannot save the bridge ID to ${path} (${code}): gateway sessions will not survive a restart`;
  }
  return { id, ...(problem !== undefined && { problem }) };
}
