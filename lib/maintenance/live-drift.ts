// db-doctor --live: for every task, is the worker and manager it is bound to still there (tmux session and pane,
// else the recorded pid), and does the task still hold pending work? Legacy workers/managers are looked up first,
// then the sessions of the task's live binding.
import type { Db } from '../store/open.js';
import { pidAlive, type ToolRunner } from './processes.js';

type Row = Record<string, unknown>;

export interface LiveProbe {
  pidAlive(pid: number): boolean;
  /** The first pane of a live tmux session, '' when live without a pane id, null when the session is gone. */
  tmuxPane(session: string): string | null;
}

export function systemLiveProbe(run: ToolRunner): LiveProbe {
  return {
    pidAlive,
    tmuxPane(session) {
      if (run('tmux', ['has-session', '-t', session]).status !== 0) return null;
      const panes = run('tmux', ['list-panes', '-t', session, '-F', '#{pane_id}']);
      return panes.stdout.split('\n')[0]?.trim() ?? '';
    },
  };
}

interface Side {
  id: string;
  name: string;
  pid: number | null;
  state: string;
  tmux_session: string | null;
  tmux_pane_id: string | null;
  last_seen_at?: string | null;
  last_capture_sha256?: string | null;
}

function liveness(side: Side, probe: LiveProbe): { live: boolean | null; pane: string | null } {
  if (side.tmux_session) {
    const pane = probe.tmuxPane(side.tmux_session);
    return { live: pane !== null, pane: pane === '' ? null : pane };
  }
  if (side.pid !== null) return { live: probe.pidAlive(side.pid), pane: null };
  return { live: null, pane: null };
}

const UNFINISHED_COLUMNS =
  'attempts, claimed_by, created_at, error, id, manager_id, state, task_id, type, updated_at, worker_id';

export interface LiveReconcile {
  check: Row;
  live_reconcile: {
    manager_liveness_warnings: Row[];
    ok: boolean;
    results: Row[];
  };
}

export function liveReconcile(
  db: Db,
  input: { managerStaleSeconds: number },
  now: Date,
  probe: LiveProbe,
): LiveReconcile {
  const tasks = db
    .prepare<[], { id: string; name: string; state: string }>(
      'select id, name, state from tasks order by name, created_at',
    )
    .all();
  const results: Row[] = [];
  const warnings: Row[] = [];
  let unfinishedCount = 0;
  for (const task of tasks) {
    const binding = db
      .prepare<
        [string],
        {
          worker_id: string | null;
          worker_session_id: string | null;
          manager_session_id: string | null;
        }
      >(
        `select worker_id, worker_session_id, manager_session_id from bindings where task_id = ? and state in ('active', 'ending')
          order by created_at desc limit 1`,
      )
      .get(task.id);
    const session = (id: string | null | undefined) =>
      id
        ? db
            .prepare<[string], Side>(
              'select id, name, pid, state, tmux_session, tmux_pane_id, last_heartbeat_at as last_seen_at from sessions where id = ?',
            )
            .get(id)
        : undefined;
    const legacyWorker = binding?.worker_id
      ? db
          .prepare<[string], Side>(
            'select id, name, null as pid, state, tmux_session, tmux_pane_id from workers where id = ?',
          )
          .get(binding.worker_id)
      : undefined;
    const legacyManager = db
      .prepare<[string], Side>(
        `select id, name, null as pid, state, tmux_session, tmux_pane_id, last_seen_at, last_capture_sha256 from managers
          where task_id = ? and state in ('starting', 'ready', 'stopping') order by started_at desc limit 1`,
      )
      .get(task.id);
    const workerSession = session(binding?.worker_session_id);
    const worker = legacyWorker ?? (workerSession ? { ...workerSession, last_seen_at: undefined } : undefined);
    const manager = legacyManager ?? session(binding?.manager_session_id);
    const drift: string[] = [];
    let workerView: Row | null = null;
    if (worker) {
      const { live, pane } = liveness(worker, probe);
      workerView = {
        id: worker.id,
        live,
        name: worker.name,
        pid: worker.pid,
        recorded_pane_id: worker.tmux_pane_id,
        session: worker.tmux_session,
        state: worker.state,
        tmux_pane_id: pane,
      };
      if ((worker.state === 'active' || worker.state === 'candidate') && live !== true) drift.push('worker_missing');
      if (live === true && pane !== null && worker.tmux_pane_id !== null && pane !== worker.tmux_pane_id)
        drift.push('worker_pane_mismatch');
    }
    let managerView: Row | null = null;
    if (manager) {
      const { live, pane } = liveness(manager, probe);
      const lastSeen = manager.last_seen_at ?? null;
      const ms = lastSeen ? Date.parse(lastSeen) : Number.NaN;
      const age = Number.isNaN(ms) ? null : Math.max(0, (now.getTime() - ms) / 1000);
      managerView = {
        id: manager.id,
        last_capture_sha256: manager.last_capture_sha256 ?? null,
        last_seen_age_seconds: age,
        last_seen_at: lastSeen,
        live,
        name: manager.name,
        pid: manager.pid,
        recorded_pane_id: manager.tmux_pane_id,
        session: manager.tmux_session,
        state: manager.state,
        tmux_pane_id: pane,
      };
      if (['active', 'starting', 'ready', 'stopping'].includes(manager.state) && live !== true)
        drift.push('manager_missing');
      if (live === true && pane !== null && manager.tmux_pane_id !== null && pane !== manager.tmux_pane_id)
        drift.push('manager_pane_mismatch');
      if (live === true && ['starting', 'ready', 'stopping'].includes(manager.state)) {
        const base = {
          manager: manager.name,
          manager_id: manager.id,
          task: task.name,
          task_id: task.id,
        };
        if (lastSeen === null) {
          warnings.push({
            ...base,
            reason: 'manager_never_seen',
            recommended_action: `Capture the manager pane (conveyor transcript-capture ${task.name} --role manager) or restart the manager.`,
          });
        } else if (age !== null && age > input.managerStaleSeconds) {
          warnings.push({
            ...base,
            age_seconds: age,
            last_seen_at: lastSeen,
            reason: 'manager_seen_stale',
            stale_seconds: input.managerStaleSeconds,
            recommended_action: `Check the manager pane; it has not been seen for ${Math.floor(age)} seconds.`,
          });
        }
      }
    }
    const unfinished = db
      .prepare<[string], Row>(
        `select ${UNFINISHED_COLUMNS} from commands where task_id = ? and state in ('pending', 'attempted') order by updated_at desc, created_at desc, id`,
      )
      .all(task.id);
    if (unfinished.length) drift.push('unfinished_commands');
    unfinishedCount += unfinished.length;
    results.push({
      drift,
      manager: managerView,
      task: { id: task.id, name: task.name, state: task.state },
      unfinished_commands: unfinished,
      worker: workerView,
    });
  }
  const driftCount = results.filter((r) => (r.drift as string[]).length > 0).length;
  const ok = driftCount === 0 && unfinishedCount === 0;
  return {
    check: {
      drift_count: driftCount,
      manager_liveness_warning_count: warnings.length,
      name: 'live_reconcile',
      ok,
      task_count: tasks.length,
      unfinished_command_count: unfinishedCount,
    },
    live_reconcile: { manager_liveness_warnings: warnings, ok, results },
  };
}
