/**
 * The service's history store, as `history` in the config says: every message's readings go in, and a change of
 * those settings (retention, size bound, on or off) applies live by opening the store again with them; what was
 * buffered is written first, and queries then see the new store.
 */
import type { BridgeConfig } from '../../../shared/config/schema.ts';
import type { Reading } from '../../../shared/profile/index.ts';
import { sameValue } from '../config/same-value.ts';
import type { HistoryStore } from '../history/history-store.ts';
import { openHistory } from '../history/open-history.ts';
import type { Logger } from './logger.ts';

export class ServiceHistory {
  private store: HistoryStore | undefined;
  private settings: BridgeConfig['history'] | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly log: Logger,
  ) {}

  /** Opens the store with these settings, unless it is open with them already. */
  apply(settings: BridgeConfig['history']): void {
    if (this.settings && sameValue(this.settings, settings)) return;
    this.close();
    this.settings = settings;
    this.store = openHistory(settings, this.dataDir, this.log);
  }

  add(meterId: string, at: number, readings: readonly Reading[]): void {
    this.store?.add(meterId, at, readings);
  }

  /** Undefined when disabled, not started, or its file could not be opened. */
  current(): HistoryStore | undefined {
    return this.store;
  }

  close(): void {
    this.store?.close();
    this.store = undefined;
    this.settings = undefined;
  }
}
