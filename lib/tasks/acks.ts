// Task-contract acknowledgements (worker-ack / manager-ack): a role's statement that it read the task
// contract, stored as revisions. Not inbox receipts: consuming an inbox item is the only inbox ack in 0.1.12.
import { isoMillis } from '../clock.js';
import { activeBindingForTask } from './bindings.js';
import type { Db } from '../store/open.js';
import { appendEvent } from '../store/events.js';
import { parseJsonObject, stableJson } from '../store/json.js';
import type { Role } from '../sessions/sessions.js';

export interface AckView {
  binding_id: string | null;
  correlation_id: string | null;
  created_at: string;
  id: number;
  manager_config_revision: number | null;
  payload: Record<string, unknown>;
  revision: number;
  role: Role;
  task_id: string;
}

type AckRow = Omit<AckView, 'payload'> & { payload_json: string };

const ACK_COLUMNS =
  'id, task_id, binding_id, role, payload_json, revision, manager_config_revision, created_at, correlation_id';

function toView({ payload_json, ...row }: AckRow): AckView {
  return { ...row, payload: parseJsonObject(payload_json) };
}

export function latestAck(db: Db, taskId: string, role: Role): AckView | null {
  const row = db
    .prepare<[string, string], AckRow>(
      `select ${ACK_COLUMNS} from task_acknowledgements where task_id = ? and role = ? order by revision desc, id desc limit 1`,
    )
    .get(taskId, role);
  return row ? toView(row) : null;
}

/** Records the next revision of a role's ack (live binding and manager config revision at write time). */
export function recordAck(
  db: Db,
  input: { taskId: string; role: Role; payload: Record<string, unknown>; correlationId?: string | null },
  now: Date,
): AckView {
  const at = isoMillis(now);
  return db
    .transaction((): AckView => {
      const binding = activeBindingForTask(db, input.taskId)?.binding.id ?? null;
      const revision =
        (db
          .prepare<[string, string], { r: number | null }>(
            'select max(revision) as r from task_acknowledgements where task_id = ? and role = ?',
          )
          .get(input.taskId, input.role)?.r ?? 0) + 1;
      const configRevision =
        db
          .prepare<[string], { revision: number }>('select revision from manager_configs where task_id = ?')
          .get(input.taskId)?.revision ?? null;
      const id = Number(
        db
          .prepare(
            `insert into task_acknowledgements(task_id, binding_id, role, payload_json, revision, manager_config_revision, created_at, correlation_id) values (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            input.taskId,
            binding,
            input.role,
            stableJson(input.payload),
            revision,
            configRevision,
            at,
            input.correlationId ?? null,
          ).lastInsertRowid,
      );
      appendEvent(db, {
        createdAt: at,
        type: `${input.role}_ack_recorded`,
        taskId: input.taskId,
        correlationId: input.correlationId ?? null,
        payload: { ack_id: id, binding_id: binding, payload_keys: Object.keys(input.payload).sort(), role: input.role },
      });
      return latestAck(db, input.taskId, input.role) as AckView;
    })
    .immediate();
}
