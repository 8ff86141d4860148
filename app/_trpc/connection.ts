'use client';
// The websocket's state, for the always-visible status line: a tiny store read with useSyncExternalStore.
import { useSyncExternalStore } from 'react';

/** `unauthorized`: the server answers, but refuses this tab's token (it was restarted with a new one). */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'unauthorized';

let state: ConnectionState = 'connecting';
const listeners = new Set<() => void>();

export function connectionState(): ConnectionState {
  return state;
}

export function setConnectionState(next: ConnectionState): void {
  if (next === state) return;
  state = next;
  for (const l of listeners) l();
}

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => state,
    () => 'connecting',
  );
}
