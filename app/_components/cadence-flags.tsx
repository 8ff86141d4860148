'use client';
// Cadence drift of active autopilots (lib/app-loop/cadence.ts), judged again with the page's clock: a missed
// beat is the absence of an event. Read every 15 s and after heartbeats or autopilot changes.
import { skipToken } from '@tanstack/react-query';
import { useMemo } from 'react';
import { checkCadence, type CadenceCheck } from '../../lib/app-loop/cadence';
import { trpc } from '../_trpc/client';
import { reread } from '../_trpc/reread';
import { useNow } from './use-now';

/** The events that can change a cadence: the server sends only these (not every row of a busy task). */
const WATCHED = ['app_heartbeat', 'app_autopilot_started', 'app_autopilot_stopped'];

/** Checks per task id (every task with an active autopilot, or the one asked for). */
export function useCadence(taskId: string | null = null): Map<string, CadenceCheck[]> {
  const utils = trpc.useUtils();
  const input = taskId ? { taskId } : undefined;
  const cadence = trpc.queue.cadence.useQuery(input, { refetchInterval: 15_000 });
  trpc.live.telemetryBatches.useSubscription(
    cadence.data ? { taskId, lastEventId: null, eventTypes: WATCHED } : skipToken,
    { onData: () => void reread(utils.queue.cadence, input) },
  );
  const now = useNow(5_000);
  return useMemo(
    () => new Map((cadence.data ?? []).map((t) => [t.task_id, t.inputs.map((i) => checkCadence(i, now))])),
    [cadence.data, now],
  );
}

/** The drifting roles only (overview rows); `all` shows on-cadence roles too (the automation panel). */
export function CadenceFlags({ label, checks, all = false }: { label: string; checks: CadenceCheck[]; all?: boolean }) {
  const shown = all ? checks : checks.filter((c) => c.drift);
  if (shown.length === 0) return null;
  return (
    <ul className="cadence-flags" aria-label={label}>
      {shown.map((c) => (
        <li key={c.role}>
          <span className={`badge ${c.drift ? 'lease-stale' : 'lease-healthy'}`}>
            {c.drift === 'missed_beats' ? 'missed beats' : c.drift === 'too_frequent' ? 'too frequent' : 'on cadence'}
          </span>{' '}
          {c.detail}
        </li>
      ))}
    </ul>
  );
}
