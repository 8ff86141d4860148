// The cadence each active autopilot asks for beside the app heartbeats observed per role (lib/app-loop/cadence.ts
// judges them). Read-only. An autopilot is active when its task's newest policy event is app_autopilot_started;
// the interval is the one that start recorded per role (else its interval_minutes, else the default).
import { parseJsonObject } from '../store/json.js';
import type { Db } from '../store/open.js';
import { perConnection } from '../store/statements.js';
import { ROLES } from '../sessions/roles.js';
import { checkCadence, type CadenceCheck, type CadenceInput } from './cadence.js';
import { HEARTBEAT_INTERVAL_MINUTES } from './leases.js';

/** Beats read per role: enough for a median, and the cost stays flat however long the history. */
const BEATS_READ = 21;

export interface TaskCadence {
  task_id: string;
  task_name: string;
  autopilot_started_at: string;
  /** What the rule read, so a page can judge again with its own clock. */
  inputs: CadenceInput[];
  checks: CadenceCheck[];
}

interface PolicyRow {
  task_id: string;
  task_name: string;
  seq: number;
  timestamp: string;
  event_type: string;
  attributes_json: string;
}

const statements = perConnection((db: Db) => ({
  // Each open task's newest autopilot policy event. Through the event-type index: policy events are few,
  // while walking each task's own range read all its history (100 ms with 10,000-event tasks).
  policies: db.prepare<{ taskId: string | null }, PolicyRow>(`
    select k.id as task_id, k.name as task_name, e.rowid as seq, e.timestamp, e.event_type, e.attributes_json
      from tasks k join telemetry_events e on e.rowid = (
        select max(p.rowid) from telemetry_events p indexed by telemetry_events_type_timestamp
         where p.task_id = k.id and p.event_type in ('app_autopilot_started', 'app_autopilot_stopped'))
     where k.state not in ('done', 'failed') and (@taskId is null or k.id = @taskId)
     order by k.created_at, k.rowid`),
  beats: db.prepare<{ taskId: string; role: string; after: number; limit: number }, { timestamp: string }>(`
    select timestamp from telemetry_events indexed by telemetry_events_task_timestamp
     where task_id = @taskId and event_type = 'app_heartbeat' and actor = @role and rowid > @after
     order by timestamp desc, rowid desc limit @limit`),
}));

function intervalSecondsOf(attributes: Record<string, unknown>, role: string): number {
  const specs = Array.isArray(attributes.automation_specs) ? (attributes.automation_specs as unknown[]) : [];
  const spec = specs.find((s) => (s as { role?: unknown } | null)?.role === role) as
    { interval_minutes?: unknown } | undefined;
  const minutes = [spec?.interval_minutes, attributes.interval_minutes].find(
    (m): m is number => typeof m === 'number' && Number.isFinite(m) && m > 0,
  );
  return (minutes ?? HEARTBEAT_INTERVAL_MINUTES) * 60;
}

/** Every open task whose autopilot is active (or the one task asked for), with one check per role. */
export function readCadence(db: Db, now: Date, options: { taskId?: string | null } = {}): TaskCadence[] {
  const s = statements(db);
  return db
    .transaction(() =>
      s.policies
        .all({ taskId: options.taskId ?? null })
        .filter((p) => p.event_type === 'app_autopilot_started')
        .map((p) => {
          const attributes = parseJsonObject(p.attributes_json);
          const inputs = ROLES.map((role): CadenceInput => ({
            role,
            intervalSeconds: intervalSecondsOf(attributes, role),
            since: p.timestamp,
            beats: s.beats
              .all({ taskId: p.task_id, role, after: p.seq, limit: BEATS_READ })
              .map((b) => b.timestamp)
              .reverse(),
          }));
          return {
            task_id: p.task_id,
            task_name: p.task_name,
            autopilot_started_at: p.timestamp,
            inputs,
            checks: inputs.map((input) => checkCadence(input, now)),
          };
        }),
    )
    .deferred();
}
