'use client';
import { useConnectionState } from '../_trpc/connection';

const WORDS = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  unauthorized: 'Disconnected: the server has a new token. Open the new link it printed.',
} as const;

/** The websocket's state, always on screen. */
export function LiveStatus() {
  const state = useConnectionState();
  return (
    <p role="status" aria-label="Live feed" className={`live-status live-${state}`}>
      {WORDS[state]}
    </p>
  );
}
