import { createContext, useContext, useSyncExternalStore } from 'react';
import type { BridgeState, BridgeStore } from './bridge-store.ts';

export const StoreContext = createContext<BridgeStore | null>(null);

export function useStore(): BridgeStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStore outside <StoreContext>');
  return store;
}

export function useBridge(): BridgeState {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, store.getState);
}

/** One part of the state: the component renders again only when that part changed (compared with Object.is). */
export function useBridgeSelect<T>(select: (state: BridgeState) => T): T {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}
