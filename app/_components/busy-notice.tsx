'use client';
import { useMutationState } from '@tanstack/react-query';

/**
 * Says so while an action waits for another process's write lock: the server answered "database busy"
 * (nothing was written) and the page is trying the action again (app/_trpc/provider.tsx).
 */
export function BusyNotice() {
  const retrying = useMutationState({
    filters: { status: 'pending' },
    select: (mutation) => mutation.state.failureCount > 0,
  }).some(Boolean);
  if (!retrying) return null;
  return (
    <p role="status" className="busy-notice">
      Database busy, retrying…
    </p>
  );
}
