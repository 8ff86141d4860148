// `mutation-audit`: each command that changes a worker, manager or task is checked against the manager
// decisions recorded for the task; a record warns when the decision link is missing, unexpected or of a kind
// the command type does not allow.
import type { Db } from '../store/open.js';
import { requireTask, type TaskRow } from '../tasks/tasks.js';
import { compareText, presentRow, type Row } from './task-audit.js';

/** The decisions that may authorise each mutation type; other command types are not judged. */
export const ALLOWED_DECISIONS: Readonly<Record<string, readonly string[]>> = {
  deregister_session: [],
  extend_nudge_budget: ['escalate'],
  finish_task: ['stop'],
  stop_task: ['stop'],
  pause_manager: ['escalate', 'stop'],
  request_worker_compact: ['nudge'],
  task_interrupt: ['interrupt'],
  task_nudge: ['nudge'],
};

export interface MutationRecord {
  allowed_decisions: string[];
  command: { created_at: unknown; id: unknown; state: unknown; type: unknown };
  effect: Row;
  expected_failure: boolean;
  linked_decision: Row | null;
  nearest_prior_decision: Row | null;
  ok: boolean;
  warnings: string[];
}

export interface MutationAudit {
  ok: boolean;
  records: MutationRecord[];
  summary: { mutations: number; with_warnings: number };
  task: TaskRow;
}

function obj(value: unknown): Row | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Row) : null;
}

export function mutationAudit(db: Db, taskArg: string): MutationAudit {
  return db.transaction(() => mutationAuditOf(db, requireTask(db, taskArg)))();
}

export function mutationAuditOf(db: Db, task: TaskRow): MutationAudit {
  {
    const decisions = db
      .prepare<[string], Row>('select * from manager_decisions where task_id = ? order by id')
      .all(task.id)
      .map((r) => presentRow(r));
    const commands = db
      .prepare<[string], Row>('select * from commands where task_id = ? order by created_at, id')
      .all(task.id)
      .map((r) => presentRow(r));
    const records = commands
      .filter((c) => Object.hasOwn(ALLOWED_DECISIONS, String(c.type)))
      .map((c) => judge(c, decisions));
    const withWarnings = records.filter((r) => !r.ok).length;
    return {
      ok: withWarnings === 0,
      records,
      summary: { mutations: records.length, with_warnings: withWarnings },
      task,
    };
  }
}

function judge(command: Row, decisions: Row[]): MutationRecord {
  const type = String(command.type);
  const allowed = [...(ALLOWED_DECISIONS[type] ?? [])];
  const payload = obj(command.payload) ?? {};
  const result = obj(command.result) ?? {};
  const byId = (id: unknown) => (typeof id === 'number' ? decisions.find((d) => d.id === id) : undefined);

  let check = obj(result.manager_decision) ?? obj(payload.manager_decision);
  const finalDecision =
    type === 'finish_task' && Number.isInteger(result.final_decision_id) ? byId(result.final_decision_id) : undefined;
  if (finalDecision) check = { decision: finalDecision, warnings: [] };

  let linked: Row | null = null;
  if (check) {
    const nested = obj(check.decision);
    const wanted = typeof check.decision_id === 'number' ? check.decision_id : nested?.id;
    const found = byId(wanted);
    if (found) linked = found;
    else if (nested && typeof nested.decision === 'string') linked = nested;
    else if (typeof check.decision === 'string') linked = check;
  }

  const createdAt = command.created_at;
  // A decision the command itself recorded (finish-task's stop) is not prior to it, even when both carry the
  // same instant under an injected clock; 0.1.12 wrote it milliseconds later, so it never counted either.
  const prior = decisions.filter(
    (d) => compareText(d.created_at, createdAt) <= 0 && obj(d.payload)?.command_id !== command.id,
  );
  const nearest = prior.at(-1) ?? null;
  const expectedFailure = Boolean(result.expected_failure ?? payload.expected_failure);

  const warnings: string[] = [];
  if (!(expectedFailure && command.state === 'failed')) {
    if (allowed.length === 0) {
      if (linked) warnings.push('unexpected_linked_decision');
    } else {
      if (check) {
        if (Array.isArray(check.warnings))
          warnings.push(...check.warnings.filter((w): w is string => typeof w === 'string'));
      } else warnings.push('missing_decision_metadata');
      if (nearest && !linked) warnings.push('nearest_decision_unlinked');
      if (linked && !allowed.includes(String(linked.decision))) warnings.push('linked_decision_incompatible');
    }
  }

  return {
    allowed_decisions: allowed,
    command: {
      created_at: createdAt,
      id: command.id,
      state: command.state,
      type,
    },
    effect: effectOf(command, payload, result),
    expected_failure: expectedFailure,
    linked_decision: linked,
    nearest_prior_decision: nearest,
    ok: warnings.length === 0,
    warnings,
  };
}

/** What the command did; keys that neither result nor payload define are left out, so the key set varies. */
function effectOf(command: Row, payload: Row, result: Row): Row {
  const send = obj(result.send_result);
  const effect: Row = {
    dry_run: Boolean(send?.dry_run),
    sent: command.state === 'succeeded' && send !== null && !send.dry_run,
  };
  for (const key of ['permission_check', 'send_text', 'worker_session']) {
    const value = result[key] ?? payload[key];
    if (value !== undefined) effect[key] = value;
  }
  const slash = Object.hasOwn(result, 'slash_command') ? result.slash_command : payload.slash_command;
  if (slash !== undefined) effect.slash_command = slash;
  return effect;
}

export function mutationAuditText(report: MutationAudit): string {
  const lines = [
    `${report.task.name}\tmutations=${report.summary.mutations}\twarnings=${report.summary.with_warnings}`,
  ];
  for (const record of report.records) {
    const id = record.linked_decision?.id;
    const decision = typeof id === 'number' ? String(id) : '-';
    const warnings = record.warnings.length ? record.warnings.join(',') : 'ok';
    lines.push(
      `${String(record.command.created_at)}\t${String(record.command.type)}\tdecision=${decision}\t${warnings}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
