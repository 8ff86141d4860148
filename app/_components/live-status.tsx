'use client';
import { useConnectionState } from '../_trpc/connection';

const WORDS = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' } as const;

/** The websocket's state, always on screen. */
export function LiveStatus() {
  const state = useConnectionState();
  return (
    <p role="status" aria-label="Live feed" className={`live-status live-${state}`}>
      {WORDS[state]}
    </p>
  );
}
