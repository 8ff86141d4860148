// reconcile: sessions whose pid is gone, bindings that point at a gone session, and bound tasks whose manager has
// not completed a cycle for a while; with apply, the dead sessions are marked gone and their bindings invalid.
import { isoMillis, isoSeconds } from '../clock.js';
import { databaseHealth, type DatabaseHealth } from '../store/db-doctor.js';
import { appendEvent } from '../store/events.js';
import type { Db } from '../store/open.js';

export interface ReconcileReport {
  dangling_bindings: Array<{
    binding_id: string;
    gone_role: 'worker' | 'manager';
    gone_session_name: string;
    task_id: string;
    task_name: string;
  }>;
  dead_pid_sessions: Array<{
    last_heartbeat_at: string | null;
    name: string;
    pid: number;
    role: string;
  }>;
  schema_health: Omit<DatabaseHealth, 'path'>;
  stuck_tasks: Array<{
    age_seconds: number;
    binding_id: string;
    last_cycle_at: string;
    task_name: string;
  }>;
  applied?: {
    bindings_marked_invalid: string[];
    sessions_marked_gone: string[];
  };
}

export interface ReconcileInput {
  apply?: boolean;
  /** A bound task whose newest completed manager cycle is older than this is stuck (default 3600). */
  staleCycleSeconds?: number;
}

function report(db: Db, input: ReconcileInput, now: Date, pidAlive: (pid: number) => boolean): ReconcileReport {
  const deadPid = db
    .prepare<
      [],
      {
        last_heartbeat_at: string | null;
        name: string;
        pid: number;
        role: string;
      }
    >(
      `select last_heartbeat_at, name, pid, role from sessions where state = 'active' and pid is not null order by name`,
    )
    .all()
    .filter((s) => !pidAlive(s.pid));
  const dangling = db
    .prepare<
      [],
      {
        binding_id: string;
        task_id: string;
        task_name: string;
        worker_name: string | null;
        worker_state: string | null;
        manager_name: string | null;
        manager_state: string | null;
      }
    >(
      `select b.id as binding_id, b.task_id, t.name as task_name, w.name as worker_name, w.state as worker_state,
              m.name as manager_name, m.state as manager_state
         from bindings b join tasks t on t.id = b.task_id
         left join sessions w on w.id = b.worker_session_id
         left join sessions m on m.id = b.manager_session_id
        where b.state in ('active', 'ending') and b.worker_session_id is not null order by b.id`,
    )
    .all()
    .flatMap((b) => {
      const sides: ReconcileReport['dangling_bindings'] = [];
      for (const [role, name, state] of [
        ['worker', b.worker_name, b.worker_state],
        ['manager', b.manager_name, b.manager_state],
      ] as const) {
        if (state === 'gone' && name !== null)
          sides.push({
            binding_id: b.binding_id,
            gone_role: role,
            gone_session_name: name,
            task_id: b.task_id,
            task_name: b.task_name,
          });
      }
      return sides;
    });
  const limit = input.staleCycleSeconds ?? 3600;
  const stuck = db
    .prepare<[], { binding_id: string; task_name: string; last_cycle_at: string | null }>(
      `select b.id as binding_id, t.name as task_name, (select max(completed_at) from manager_cycles c where c.task_id = b.task_id) as last_cycle_at
         from bindings b join tasks t on t.id = b.task_id
        where b.state in ('active', 'ending') and exists (select 1 from manager_cycles c where c.task_id = b.task_id) order by b.id`,
    )
    .all()
    .flatMap((b) => {
      if (b.last_cycle_at === null) return [];
      const ms = Date.parse(b.last_cycle_at);
      if (Number.isNaN(ms)) return [];
      const age = Math.max(0, (now.getTime() - ms) / 1000);
      return age > limit
        ? [
            {
              age_seconds: age,
              binding_id: b.binding_id,
              last_cycle_at: b.last_cycle_at,
              task_name: b.task_name,
            },
          ]
        : [];
    });
  const { path: _path, ...health } = databaseHealth(db, '');
  return {
    dangling_bindings: dangling,
    dead_pid_sessions: deadPid,
    schema_health: health,
    stuck_tasks: stuck,
  };
}

/**
 * The report, and with `apply` the repair. 0.1.12 quirks kept: the printed report is the one from before the
 * repair (next to `applied`), and a session whose stored pid is a finished short-lived process (app and
 * disposable sessions) reads as dead like any other.
 */
export function reconcile(
  db: Db,
  input: ReconcileInput,
  now: Date,
  pidAlive: (pid: number) => boolean,
): ReconcileReport {
  const before = report(db, input, now, pidAlive);
  if (!input.apply) return before;
  const applied = db
    .transaction(() => {
      const gone: string[] = [];
      for (const session of before.dead_pid_sessions) {
        db.prepare(`update sessions set state = 'gone', last_heartbeat_at = ? where name = ?`).run(
          isoSeconds(now),
          session.name,
        );
        appendEvent(db, {
          createdAt: isoMillis(now),
          type: 'session_marked_gone_by_reconcile',
          payload: {
            name: session.name,
            pid: session.pid,
            reason: 'recorded pid is not running',
          },
        });
        gone.push(session.name);
      }
      const invalid: string[] = [];
      for (const side of report(db, input, now, pidAlive).dangling_bindings) {
        if (invalid.includes(side.binding_id)) continue;
        db.prepare(`update bindings set state = 'invalid', ended_at = ? where id = ?`).run(
          isoSeconds(now),
          side.binding_id,
        );
        appendEvent(db, {
          createdAt: isoMillis(now),
          type: 'binding_marked_invalid_by_reconcile',
          taskId: side.task_id,
          payload: {
            binding_id: side.binding_id,
            gone_role: side.gone_role,
            gone_session_name: side.gone_session_name,
            task_name: side.task_name,
          },
        });
        invalid.push(side.binding_id);
      }
      return { bindings_marked_invalid: invalid, sessions_marked_gone: gone };
    })
    .immediate();
  return { ...before, applied };
}
