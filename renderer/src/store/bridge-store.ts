/**
 * The UI's one store: the bridge view as the core last pushed it, the connection state, and the power history
 * built from the pushes. Components read it through useBridge(); nothing polls the core.
 */
import type { BridgeView } from '../../../shared/api.ts';
import type { ApiTransport, ConnectionState } from '../api/transport.ts';
import { PowerHistory } from './power-history.ts';

export interface BridgeState {
  connection: ConnectionState;
  bridge?: BridgeView;
  /** Grows whenever the power history got a sample; the chart redraws on it. */
  powerRevision: number;
}

export class BridgeStore {
  readonly power = new PowerHistory();
  private state: BridgeState = { connection: 'connecting', powerRevision: 0 };
  private readonly listeners = new Set<() => void>();

  constructor(readonly transport: ApiTransport) {
    transport.onConnection((connection) => this.update({ connection }));
    transport.onEvent((event) => {
      if (event.event !== 'bridge') return;
      const grew = this.power.add(event.data.meters);
      this.update({ bridge: event.data, powerRevision: this.state.powerRevision + (grew ? 1 : 0) });
    });
  }

  getState = (): BridgeState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private update(change: Partial<BridgeState>): void {
    this.state = { ...this.state, ...change };
    this.listeners.forEach((l) => l());
  }
}
