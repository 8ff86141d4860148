// Tasks: what a manager/worker pair works on. Names are not unique (as in 0.1.12): lookups by name take
// the newest task of that name.
import { isoMillis } from '../clock.js';
import type { Db } from '../store/open.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { appendEvent } from '../store/events.js';
import { newId } from '../store/ids.js';
import { perConnection } from '../store/statements.js';

export type TaskState = 'candidate' | 'managed' | 'paused' | 'done' | 'failed';
export const ACTIVE_TASK_STATES: readonly TaskState[] = ['candidate', 'managed', 'paused'];
export const TERMINAL_TASK_STATES: readonly TaskState[] = ['done', 'failed'];

export interface TaskRow {
  id: string;
  name: string;
  goal: string;
  summary: string | null;
  state: TaskState;
  created_at: string;
  updated_at: string;
}

const TASK_COLUMNS = 'id, name, goal, summary, state, created_at, updated_at';

/** A task by id or name; the newest of a name wins. Undefined when there is none. */
export function findTask(db: Db, idOrName: string): TaskRow | undefined {
  return db
    .prepare<[string, string], TaskRow>(
      `select ${TASK_COLUMNS} from tasks where id = ? or name = ? order by created_at desc, rowid desc limit 1`,
    )
    .get(idOrName, idOrName);
}

/** Like findTask, but a missing task is an error ("Unknown task: …", exit 2). */
export function requireTask(db: Db, idOrName: string): TaskRow {
  const task = findTask(db, idOrName);
  if (!task) throw new NotFoundError('task', idOrName, `Unknown task: ${idOrName}`);
  return task;
}

export function isTerminal(task: Pick<TaskRow, 'state'>): boolean {
  return TERMINAL_TASK_STATES.includes(task.state);
}

/** Refuses loop commands on a finished task, as 0.1.12 does after finish-task / stop-task. */
export function requireOpenTask(db: Db, idOrName: string): TaskRow {
  const task = requireTask(db, idOrName);
  if (isTerminal(task))
    throw new ConflictError(`task ${task.name} is ${task.state}; it takes no further loop commands`);
  return task;
}

export function listTasks(db: Db, options: { activeOnly?: boolean } = {}): TaskRow[] {
  const where = options.activeOnly ? `where state in ('candidate','managed','paused')` : '';
  return db.prepare<[], TaskRow>(`select ${TASK_COLUMNS} from tasks ${where} order by created_at, id`).all();
}

/**
 * A short text that changes whenever a task is created or changes state (count and newest updated_at): live
 * pages compare it to know when to read the task list again.
 */
export function tasksVersion(db: Db): string {
  const row = tasksStamp(db).get();
  return `${row?.n ?? 0}:${row?.last ?? ''}`;
}

const tasksStamp = perConnection((db) =>
  db.prepare<[], { n: number; last: string | null }>('select count(*) as n, max(updated_at) as last from tasks'),
);

export interface NewTask {
  name: string;
  goal: string;
  summary?: string | null;
  state?: TaskState;
}

/** Inserts a task (state candidate unless given) and its task_created event, in one transaction. */
export function createTask(db: Db, input: NewTask, now: Date): TaskRow {
  const at = isoMillis(now);
  const task: TaskRow = {
    id: newId('task'),
    name: input.name,
    goal: input.goal,
    summary: input.summary ?? null,
    state: input.state ?? 'candidate',
    created_at: at,
    updated_at: at,
  };
  db.transaction(() => {
    db.prepare(
      `insert into tasks(${TASK_COLUMNS}) values (@id, @name, @goal, @summary, @state, @created_at, @updated_at)`,
    ).run(task);
    appendEvent(db, {
      createdAt: at,
      type: 'task_created',
      taskId: task.id,
      payload: { goal: task.goal, name: task.name, summary: task.summary },
    });
  }).immediate();
  return task;
}

export function setTaskState(db: Db, taskId: string, state: TaskState, updatedAt: string): void {
  db.prepare('update tasks set state = ?, updated_at = ? where id = ?').run(state, updatedAt, taskId);
}

export interface TaskBudget {
  expires_at: string;
  max_nudges: number;
  nudges_remaining: number;
  nudges_used: number;
}

/** A task as `tasks --json` and `discover` print it: the row plus the legacy nudge budget (null when none). */
export type TaskView = TaskRow & { budget: TaskBudget | null };

export function listTaskViews(db: Db, options: { activeOnly?: boolean } = {}): TaskView[] {
  const where = options.activeOnly ? `where t.state in ('candidate','managed','paused')` : '';
  const rows = db
    .prepare<[], TaskRow & { b_max: number | null; b_used: number | null; b_expires: string | null }>(
      `select t.id, t.name, t.goal, t.summary, t.state, t.created_at, t.updated_at,
              b.max_nudges as b_max, b.nudges_used as b_used, b.expires_at as b_expires
         from tasks t left join budgets b on b.task_id = t.id ${where} order by t.created_at, t.id`,
    )
    .all();
  return rows.map(({ b_max, b_used, b_expires, ...task }) => ({
    ...task,
    budget:
      b_max === null || b_used === null || b_expires === null
        ? null
        : { expires_at: b_expires, max_nudges: b_max, nudges_remaining: b_max - b_used, nudges_used: b_used },
  }));
}
