'use client';
// The dashboard user's display name, given once and kept in this browser; deliveries recorded here carry it.
import { useSyncExternalStore } from 'react';

const KEY = 'conveyor-deck.display-name';
const listeners = new Set<() => void>();

export function saveDisplayName(name: string): void {
  window.localStorage.setItem(KEY, name.trim().slice(0, 80));
  for (const l of listeners) l();
}

export function useDisplayName(): string {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => window.localStorage.getItem(KEY) ?? '',
    () => '',
  );
}
