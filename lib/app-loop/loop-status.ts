// app-loop-status: the three leases that keep a no-tmux pair moving (manager, worker, dispatcher),
// classified healthy / stale / missing, with what to run next. Read-only.
import type { Db } from '../store/open.js';
import { NotFoundError } from '../errors.js';
import { ROLES, type Role } from '../sessions/sessions.js';
import { dispatcherCommand, heartbeatCommand, inboxCommand } from './commands.js';
import { dispatcherIdOrDefault, leaseOf, staleAfterOrDefault, type Lease, type LeaseState } from './leases.js';

export interface LoopInput {
  task: string;
  staleAfterSeconds?: number;
  dispatcherId?: string;
}

export interface TaskRef {
  id: string;
  name: string;
}

export interface RoleStatus {
  codex_app_thread_id: string | null;
  codex_app_thread_title: string | null;
  direct_inbox_command: string;
  lease: Lease;
  name: string | null;
  poll_command: string;
  receive_style: 'push' | 'pull';
  session_id: string | null;
  /** App-loop rule: tmux wins, then a Codex app thread id; unlike the `communication` block of sessions. */
  session_kind: 'tmux' | 'codex_app' | 'no_tmux';
}

export interface DispatchLease {
  dispatcher_id: string;
  last_heartbeat_at: string | null;
  state: LeaseState;
}

export type NextAction =
  | { kind: 'start_dispatch'; prompt: string; reason: string }
  | { kind: 'wake_manager' | 'wake_worker'; prompt: string; reason: string; role: Role };

export interface LoopStatus {
  dispatch: DispatchLease;
  manager: RoleStatus;
  next_actions: NextAction[];
  ok: boolean;
  task: TaskRef;
  worker: RoleStatus;
}

/** The bound session columns the loop reads; every field is null when the binding names no such session. */
export interface BoundSession {
  id: string | null;
  name: string | null;
  last_heartbeat_at: string | null;
  codex_app_thread_id: string | null;
  codex_app_thread_title: string | null;
  tmux_session: string | null;
}

export interface LoopBinding {
  task: TaskRef;
  bindingId: string;
  sessions: Record<Role, BoundSession>;
}

/** The database file the connection uses: generated commands name it. */
export function databasePathOf(db: Db): string {
  return db.name;
}

/**
 * The task (by name, newest first) and its newest live binding, with both sessions left-joined: the loop
 * reports a binding whose session row is gone rather than hiding it. Session state is not checked here.
 */
export function resolveLoopBinding(db: Db, taskName: string): LoopBinding {
  const task = db
    .prepare<[string], TaskRef>(
      'select id, name from tasks where name = ? order by created_at desc, rowid desc limit 1',
    )
    .get(taskName);
  if (!task)
    throw new NotFoundError('task', taskName, `Task not found: ${taskName} (app-loop commands take the task name)`);
  const row = db
    .prepare<[string], Record<string, string | null>>(
      `select b.id as binding_id,
              m.id as manager_id, m.name as manager_name, m.last_heartbeat_at as manager_last_heartbeat_at,
              m.codex_app_thread_id as manager_codex_app_thread_id, m.codex_app_thread_title as manager_codex_app_thread_title,
              m.tmux_session as manager_tmux_session,
              w.id as worker_id, w.name as worker_name, w.last_heartbeat_at as worker_last_heartbeat_at,
              w.codex_app_thread_id as worker_codex_app_thread_id, w.codex_app_thread_title as worker_codex_app_thread_title,
              w.tmux_session as worker_tmux_session
         from bindings b
         left join sessions m on m.id = b.manager_session_id
         left join sessions w on w.id = b.worker_session_id
        where b.task_id = ? and b.state in ('active','ending')
        order by b.created_at desc, b.rowid desc limit 1`,
    )
    .get(task.id);
  if (!row) throw new NotFoundError('binding', taskName, `No active binding for task: ${taskName}`);
  const session = (role: Role): BoundSession => ({
    id: row[`${role}_id`] ?? null,
    name: row[`${role}_name`] ?? null,
    last_heartbeat_at: row[`${role}_last_heartbeat_at`] ?? null,
    codex_app_thread_id: row[`${role}_codex_app_thread_id`] ?? null,
    codex_app_thread_title: row[`${role}_codex_app_thread_title`] ?? null,
    tmux_session: row[`${role}_tmux_session`] ?? null,
  });
  return {
    task,
    bindingId: row.binding_id as string,
    sessions: { manager: session('manager'), worker: session('worker') },
  };
}

/** Timestamp of the newest dispatch_watch_heartbeat of one dispatcher, any task (the lease is global). */
export function lastDispatchHeartbeat(db: Db, dispatcherId: string): string | null {
  const row = db
    .prepare<[string], { timestamp: string }>(
      `select timestamp from telemetry_events
        where actor = 'dispatch' and event_type = 'dispatch_watch_heartbeat' and json_extract(correlation_json, '$.dispatcher_id') = ?
        order by timestamp desc, rowid desc limit 1`,
    )
    .get(dispatcherId);
  return row?.timestamp ?? null;
}

function roleStatus(
  session: BoundSession,
  role: Role,
  taskName: string,
  dbPath: string,
  now: Date,
  staleAfterSeconds: number,
): RoleStatus {
  return {
    codex_app_thread_id: session.codex_app_thread_id,
    codex_app_thread_title: session.codex_app_thread_title,
    direct_inbox_command: inboxCommand(taskName, role, dbPath),
    lease: leaseOf(session.last_heartbeat_at, now, staleAfterSeconds),
    name: session.name,
    poll_command: heartbeatCommand(taskName, role, dbPath),
    receive_style: session.tmux_session ? 'push' : 'pull',
    session_id: session.id,
    session_kind: session.tmux_session ? 'tmux' : session.codex_app_thread_id ? 'codex_app' : 'no_tmux',
  };
}

const CAPITALISED: Record<Role, string> = { manager: 'Manager', worker: 'Worker' };

function nextActions(status: Omit<LoopStatus, 'next_actions' | 'ok'>, dbPath: string): NextAction[] {
  const actions: NextAction[] = [];
  const { dispatcher_id: id, state } = status.dispatch;
  if (state !== 'healthy') {
    actions.push({
      kind: 'start_dispatch',
      prompt: `Run: ${dispatcherCommand(id, dbPath)}`,
      reason: `Dispatcher ${id} is ${state}.`,
    });
  }
  for (const role of ROLES) {
    const lease = status[role].lease;
    if (lease.state !== 'healthy') {
      actions.push({
        kind: `wake_${role}`,
        prompt: status[role].poll_command,
        reason: `${CAPITALISED[role]} heartbeat is ${lease.state}.`,
        role,
      });
    }
  }
  return actions;
}

export function getLoopStatus(db: Db, input: LoopInput, now: Date): LoopStatus {
  const staleAfterSeconds = staleAfterOrDefault(input.staleAfterSeconds);
  const dispatcherId = dispatcherIdOrDefault(input.dispatcherId);
  const dbPath = databasePathOf(db);
  const loop = resolveLoopBinding(db, input.task);
  const dispatchStamp = lastDispatchHeartbeat(db, dispatcherId);
  const base = {
    dispatch: {
      dispatcher_id: dispatcherId,
      last_heartbeat_at: dispatchStamp,
      state: leaseOf(dispatchStamp, now, staleAfterSeconds).state,
    },
    manager: roleStatus(loop.sessions.manager, 'manager', loop.task.name, dbPath, now, staleAfterSeconds),
    task: loop.task,
    worker: roleStatus(loop.sessions.worker, 'worker', loop.task.name, dbPath, now, staleAfterSeconds),
  };
  return {
    ...base,
    next_actions: nextActions(base, dbPath),
    ok:
      base.dispatch.state === 'healthy' &&
      base.manager.lease.state === 'healthy' &&
      base.worker.lease.state === 'healthy',
  };
}
