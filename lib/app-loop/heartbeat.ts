// app-heartbeat: a pull-required role checks in. Its bound session's lease is stamped, an app_heartbeat
// telemetry row is written (both in one transaction), and the loop status is returned at the same instant.
import { isoSeconds } from '../clock.js';
import type { Db } from '../store/open.js';
import { NotFoundError, UsageError } from '../errors.js';
import type { Role } from '../sessions/sessions.js';
import { requireTask } from '../tasks/tasks.js';
import { appendTelemetry } from '../telemetry/telemetry.js';
import { heartbeatCommand, inboxCommand } from './commands.js';
import { dispatcherIdOrDefault, staleAfterOrDefault } from './leases.js';
import { databasePathOf, getLoopStatus, type LoopStatus, type TaskRef } from './loop-status.js';

export interface HeartbeatInput {
  task: string;
  role: Role;
  staleAfterSeconds?: number;
  dispatcherId?: string;
}

export interface HeartbeatResult {
  heartbeat: { recorded_at: string; state: 'recorded' };
  next: { direct_inbox_command: string; poll_command: string };
  role: Role;
  status: LoopStatus;
  task: TaskRef;
}

export function requireRole(role: unknown, command: string): Role {
  if (role !== 'manager' && role !== 'worker') throw new UsageError(`${command} needs --role manager or --role worker`);
  return role;
}

/** The active session bound to the task in that role (binding active or ending, session active). */
function boundActiveSessionId(db: Db, taskId: string, role: Role): string | undefined {
  const column = role === 'manager' ? 'manager_session_id' : 'worker_session_id';
  const row = db
    .prepare<[string, Role], { id: string }>(
      `select s.id from bindings b join sessions s on s.id = b.${column}
        where b.task_id = ? and b.state in ('active','ending') and s.role = ? and s.state = 'active'
        order by b.created_at desc, b.rowid desc limit 1`,
    )
    .get(taskId, role);
  return row?.id;
}

export function recordHeartbeat(db: Db, input: HeartbeatInput, now: Date): HeartbeatResult {
  const role = requireRole(input.role, 'app-heartbeat');
  const loopInput = {
    staleAfterSeconds: staleAfterOrDefault(input.staleAfterSeconds),
    dispatcherId: dispatcherIdOrDefault(input.dispatcherId),
  };
  const task = requireTask(db, input.task);
  const dbPath = databasePathOf(db);
  const at = isoSeconds(now);
  const directInbox = inboxCommand(task.name, role, dbPath);
  db.transaction(() => {
    const sessionId = boundActiveSessionId(db, task.id, role);
    if (!sessionId)
      throw new NotFoundError(
        'session',
        `${task.name}/${role}`,
        `No active bound ${role} session for task ${task.name}.`,
      );
    db.prepare('update sessions set last_heartbeat_at = ? where id = ?').run(at, sessionId);
    appendTelemetry(db, {
      taskId: task.id,
      timestamp: at,
      actor: role,
      eventType: 'app_heartbeat',
      severity: 'info',
      summary: `${role} checked in with an app heartbeat for ${task.name}.`,
      correlation: { command: 'app-heartbeat' },
      attributes: { direct_inbox_command: directInbox, role, session_id: sessionId, task: task.name },
    });
  }).immediate();
  return {
    heartbeat: { recorded_at: at, state: 'recorded' },
    next: { direct_inbox_command: directInbox, poll_command: heartbeatCommand(task.name, role, dbPath) },
    role,
    status: getLoopStatus(db, { task: task.name, ...loopInput }, now),
    task: { id: task.id, name: task.name },
  };
}
