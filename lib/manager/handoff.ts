// Worker handoffs: the worker's note of where it stands (summary, next steps, free payload), read by
// manager-permission --require-handoff, the record-handoff epilogue step and worker compaction.
import { isoMillis, isoSeconds } from '../clock.js';
import { appendEvent } from '../store/events.js';
import { parseJsonObject, stableJson } from '../store/json.js';
import type { Db } from '../store/open.js';
import { activeBindingForTask } from '../tasks/bindings.js';
import { appendTelemetry } from '../telemetry/telemetry.js';
import type { TaskRow } from '../tasks/tasks.js';

export interface Handoff {
  created_at: string;
  id: number;
  next_steps: string[];
  payload: Record<string, unknown>;
  summary: string;
  task_id: string;
  worker_session_id: string | null;
}

interface HandoffRow {
  id: number;
  task_id: string;
  worker_session_id: string | null;
  summary: string;
  next_steps_json: string;
  payload_json: string;
  created_at: string;
}

function toHandoff(row: HandoffRow): Handoff {
  let steps: unknown;
  try {
    steps = JSON.parse(row.next_steps_json);
  } catch {
    steps = [];
  }
  return {
    created_at: row.created_at,
    id: row.id,
    next_steps: Array.isArray(steps) ? steps.filter((s): s is string => typeof s === 'string') : [],
    payload: parseJsonObject(row.payload_json),
    summary: row.summary,
    task_id: row.task_id,
    worker_session_id: row.worker_session_id,
  };
}

export function latestHandoff(db: Db, taskId: string): Handoff | undefined {
  const row = db
    .prepare<[string], HandoffRow>(
      'select id, task_id, worker_session_id, summary, next_steps_json, payload_json, created_at from worker_handoffs where task_id = ? order by id desc limit 1',
    )
    .get(taskId);
  return row ? toHandoff(row) : undefined;
}

export function latestHandoffId(db: Db, taskId: string): number | null {
  return (
    db
      .prepare<[string], { id: number }>('select id from worker_handoffs where task_id = ? order by id desc limit 1')
      .get(taskId)?.id ?? null
  );
}

export interface NewHandoff {
  summary: string;
  nextSteps?: readonly string[];
  payload?: Record<string, unknown>;
}

/** Records a handoff from the worker of the task's live binding (null when the task is unbound). */
export function recordHandoff(db: Db, task: Pick<TaskRow, 'id'>, input: NewHandoff, now: Date): Handoff {
  const nextSteps = [...(input.nextSteps ?? [])];
  const payload = input.payload ?? {};
  return db
    .transaction((): Handoff => {
      const workerSessionId = activeBindingForTask(db, task.id)?.binding.worker_session_id ?? null;
      const id = Number(
        db
          .prepare(
            'insert into worker_handoffs(task_id, worker_session_id, summary, next_steps_json, payload_json, created_at) values (?, ?, ?, ?, ?, ?)',
          )
          .run(task.id, workerSessionId, input.summary, JSON.stringify(nextSteps), stableJson(payload), isoSeconds(now))
          .lastInsertRowid,
      );
      appendTelemetry(db, {
        taskId: task.id,
        timestamp: isoSeconds(now),
        actor: 'worker',
        eventType: 'worker_handoff_recorded',
        summary: 'Recorded worker handoff.',
        correlation: { handoff_id: id, worker_session_id: workerSessionId },
        attributes: {
          next_step_count: nextSteps.length,
          payload_keys: Object.keys(payload).sort(),
          summary_length: input.summary.length,
        },
      });
      appendEvent(db, {
        createdAt: isoMillis(now),
        type: 'worker_handoff_recorded',
        taskId: task.id,
        payload: { handoff_id: id, next_step_count: nextSteps.length, worker_session_id: workerSessionId },
      });
      return latestHandoff(db, task.id) as Handoff;
    })
    .immediate();
}

/** A task's handoffs, newest first (at most `limit`). */
export function listHandoffs(db: Db, taskId: string, limit: number): Handoff[] {
  return db
    .prepare<[string, number], HandoffRow>(
      'select id, task_id, worker_session_id, summary, next_steps_json, payload_json, created_at from worker_handoffs where task_id = ? order by id desc limit ?',
    )
    .all(taskId, limit)
    .map(toHandoff);
}
