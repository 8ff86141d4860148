// Manager decisions (wait, nudge, interrupt, escalate, stop, inspect) with their reason: the record that
// finish-task --decision-id and request-worker-compact --decision-id check before acting.
import { isoMillis, isoSeconds } from '../clock.js';
import { UsageError } from '../errors.js';
import { parseJsonObject, stableJson } from '../store/json.js';
import type { Db } from '../store/open.js';
import type { TaskRow } from '../tasks/tasks.js';

export const MANAGER_DECISIONS = ['wait', 'nudge', 'interrupt', 'escalate', 'stop', 'inspect'] as const;
export type ManagerDecision = (typeof MANAGER_DECISIONS)[number];

export interface DecisionRecord {
  created_at: string;
  decision: ManagerDecision;
  id: number;
  manager_cycle_id: number | null;
  manager_id: string | null;
  payload: Record<string, unknown>;
  reason: string;
  task: { id: string; name: string };
  task_id: string;
}

export function parseDecision(value: string): ManagerDecision {
  if (!(MANAGER_DECISIONS as readonly string[]).includes(value))
    throw new UsageError(`unknown manager decision: ${value}`);
  return value as ManagerDecision;
}

export interface NewDecision {
  decision: ManagerDecision;
  reason: string;
  /** A manager_cycles id; one that does not exist fails on the foreign key and nothing is written. */
  cycleId?: number;
  payload?: Record<string, unknown>;
}

/** Records a decision; the manager is the task's live legacy manager row, if any (0.1.12 never writes one). */
export function recordDecision(
  db: Db,
  task: Pick<TaskRow, 'id' | 'name'>,
  input: NewDecision,
  now: Date,
): DecisionRecord {
  if (input.reason === '') throw new UsageError('record-decision requires --reason.');
  const payload = input.payload ?? {};
  const createdAt = isoSeconds(now);
  return db
    .transaction((): DecisionRecord => {
      const managerId =
        db
          .prepare<[string], { id: string }>(
            `select id from managers where task_id = ? and state in ('starting','ready','stopping') order by started_at desc, rowid desc limit 1`,
          )
          .get(task.id)?.id ?? null;
      const cycleId = input.cycleId ?? null;
      const id = Number(
        db
          .prepare(
            'insert into manager_decisions(task_id, manager_id, manager_cycle_id, decision, reason, created_at, payload_json) values (?, ?, ?, ?, ?, ?, ?)',
          )
          .run(task.id, managerId, cycleId, input.decision, input.reason, createdAt, stableJson(payload))
          .lastInsertRowid,
      );
      db.prepare(
        `insert into events(created_at, actor, command_id, correlation_id, task_id, worker_id, manager_id, type, payload_json)
         values (?, 'workerctl', null, null, ?, null, ?, 'manager_decision_recorded', ?)`,
      ).run(
        isoMillis(now),
        task.id,
        managerId,
        stableJson({ decision: input.decision, decision_id: id, manager_cycle_id: cycleId, reason: input.reason }),
      );
      return {
        created_at: createdAt,
        decision: input.decision,
        id,
        manager_cycle_id: cycleId,
        manager_id: managerId,
        payload: parseJsonObject(stableJson(payload)),
        reason: input.reason,
        task: { id: task.id, name: task.name },
        task_id: task.id,
      };
    })
    .immediate();
}

type DecisionRow = Omit<DecisionRecord, 'payload' | 'task'> & { payload_json: string };

/** A task's decisions, newest first (at most `limit`). */
export function listDecisions(db: Db, taskId: string, limit: number): Array<Omit<DecisionRecord, 'task'>> {
  return db
    .prepare<[string, number], DecisionRow>(
      `select id, task_id, manager_id, manager_cycle_id, decision, reason, created_at, payload_json
         from manager_decisions where task_id = ? order by id desc limit ?`,
    )
    .all(taskId, limit)
    .map(({ payload_json, ...row }) => ({ ...row, payload: parseJsonObject(payload_json) }));
}
