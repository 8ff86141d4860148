// Bindings tie a task to one worker session and one manager session. A task, and each session, has at most
// one live binding (state active or ending; 0.1.12 never writes ending but every reader treats it as live).
import { isoMillis } from '../clock.js';
import type { Db } from '../store/open.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { appendEvent } from '../store/events.js';
import { newId } from '../store/ids.js';
import { requireSession, SESSION_COLUMNS, type SessionRow } from '../sessions/sessions.js';
import { requireTask, type TaskRow } from './tasks.js';

export interface BindingRow {
  id: string;
  task_id: string;
  worker_id: string | null;
  manager_id: string | null;
  worker_session_id: string | null;
  manager_session_id: string | null;
  state: 'active' | 'ending' | 'ended' | 'invalid';
  created_at: string;
  ended_at: string | null;
}

export interface LiveBinding {
  binding: BindingRow;
  worker: SessionRow;
  manager: SessionRow;
}

const BINDING_COLUMNS =
  'id, task_id, worker_id, manager_id, worker_session_id, manager_session_id, state, created_at, ended_at';

function prefixed(alias: string, columns: string): string {
  return columns
    .split(',')
    .map((c) => `${alias}.${c.trim()} as ${alias}_${c.trim()}`)
    .join(', ');
}

type JoinedRow = Record<string, unknown>;

function unprefix<T>(row: JoinedRow, alias: string): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row))
    if (key.startsWith(`${alias}_`)) out[key.slice(alias.length + 1)] = value;
  return out as T;
}

/** The newest live binding of a task, with both sessions (legacy bindings without sessions are not seen). */
export function activeBindingForTask(db: Db, taskId: string): LiveBinding | undefined {
  const row = db
    .prepare<[string], JoinedRow>(
      `select ${prefixed('b', BINDING_COLUMNS)}, ${prefixed('w', SESSION_COLUMNS)}, ${prefixed('m', SESSION_COLUMNS)}
         from bindings b
         join sessions w on w.id = b.worker_session_id
         join sessions m on m.id = b.manager_session_id
        where b.task_id = ? and b.state in ('active','ending')
        order by b.created_at desc, b.rowid desc limit 1`,
    )
    .get(taskId);
  if (!row) return undefined;
  return {
    binding: unprefix<BindingRow>(row, 'b'),
    worker: unprefix<SessionRow>(row, 'w'),
    manager: unprefix<SessionRow>(row, 'm'),
  };
}

export function requireActiveBinding(db: Db, task: Pick<TaskRow, 'id' | 'name'>): LiveBinding {
  const live = activeBindingForTask(db, task.id);
  if (!live) throw new NotFoundError('binding', task.name, `no active session-based binding for task ${task.name}`);
  return live;
}

/** The live binding a session takes part in, in either role. */
export function liveBindingOfSession(db: Db, sessionId: string): BindingRow | undefined {
  return db
    .prepare<[string, string], BindingRow>(
      `select ${BINDING_COLUMNS} from bindings where state in ('active','ending') and (worker_session_id = ? or manager_session_id = ?)
        order by created_at desc limit 1`,
    )
    .get(sessionId, sessionId);
}

/**
 * Binds a task to a worker and a manager session (by name) and writes binding_created, in one transaction.
 * Refused when the task or either session already has a live binding, or a session has the wrong role.
 */
export function createBinding(
  db: Db,
  task: TaskRow,
  workerName: string,
  managerName: string,
  createdAt: string,
): LiveBinding {
  const write = (): LiveBinding => {
    const worker = requireSession(db, workerName, 'worker');
    const manager = requireSession(db, managerName, 'manager');
    if (
      activeBindingForTask(db, task.id) ||
      db.prepare(`select 1 from bindings where task_id = ? and state in ('active','ending')`).get(task.id)
    ) {
      throw new ConflictError(`task ${task.name} already has an active binding`);
    }
    for (const session of [worker, manager]) {
      if (liveBindingOfSession(db, session.id))
        throw new ConflictError(`session ${session.name} is already in an active binding`);
    }
    const binding: BindingRow = {
      id: newId('binding'),
      task_id: task.id,
      worker_id: null,
      manager_id: null,
      worker_session_id: worker.id,
      manager_session_id: manager.id,
      state: 'active',
      created_at: createdAt,
      ended_at: null,
    };
    db.prepare(
      `insert into bindings(${BINDING_COLUMNS}) values (@id, @task_id, @worker_id, @manager_id, @worker_session_id, @manager_session_id, @state, @created_at, @ended_at)`,
    ).run(binding);
    appendEvent(db, {
      createdAt,
      type: 'binding_created',
      taskId: task.id,
      payload: { binding_id: binding.id, manager: manager.name, task: task.name, worker: worker.name },
    });
    return { binding, worker, manager };
  };
  return db.inTransaction ? write() : db.transaction(write).immediate();
}

/** Ends the live binding of a task (unbind, finish-task, stop-task). Returns the ended binding, if any. */
export function endBinding(db: Db, taskId: string, endedAt: string): BindingRow | undefined {
  return db
    .prepare<[string, string], BindingRow>(
      `update bindings set state = 'ended', ended_at = ? where task_id = ? and state in ('active','ending') returning ${BINDING_COLUMNS}`,
    )
    .get(endedAt, taskId);
}

/**
 * The unbind command: ends the live binding of a task (id or name) and writes binding_ended, in one
 * transaction. The event names the task as the caller gave it, as 0.1.12 did. NotFoundError when the task
 * has no live binding.
 */
export function unbindTask(db: Db, taskArg: string, now: Date): BindingRow {
  const task = requireTask(db, taskArg);
  const at = isoMillis(now);
  return db
    .transaction(() => {
      const ended = endBinding(db, task.id, at);
      if (!ended) throw new NotFoundError('binding', taskArg, `no active binding for task ${taskArg}`);
      appendEvent(db, { createdAt: at, type: 'binding_ended', taskId: task.id, payload: { task: taskArg } });
      return ended;
    })
    .immediate();
}
