// The append-only `events` log (domain events such as task_created, binding_created). Triggers in the
// schema refuse UPDATE and DELETE, so a row once written is the record.
import type { Db } from './open.js';
import { stableJson } from './json.js';

export interface NewEvent {
  createdAt: string;
  type: string;
  payload: Record<string, unknown>;
  actor?: string;
  taskId?: string | null;
  commandId?: string | null;
  correlationId?: string | null;
}

export function appendEvent(db: Db, event: NewEvent): number {
  const result = db
    .prepare(
      `insert into events(created_at, actor, command_id, correlation_id, task_id, worker_id, manager_id, type, payload_json)
       values (?, ?, ?, ?, ?, null, null, ?, ?)`,
    )
    .run(
      event.createdAt,
      event.actor ?? 'workerctl',
      event.commandId ?? null,
      event.correlationId ?? null,
      event.taskId ?? null,
      event.type,
      stableJson(event.payload),
    );
  return Number(result.lastInsertRowid);
}
