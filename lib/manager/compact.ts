// request-worker-compact / compact-worker: the manager asks the bound worker to compact (/compact), clear (/clear)
// or just save its context (a message). Gated by the manager config's worker_session permission and a saved
// worker handoff; recorded as an immediate request_worker_compact command. The paste happens between two
// transactions, never inside one.
import { ageSeconds, isoMillis, isoSeconds } from '../clock.js';
import { ConveyorError, UsageError } from '../errors.js';
import { finishImmediateCommand, startImmediateCommand, type CommandRow } from '../queue/commands.js';
import { appendEvent } from '../store/events.js';
import { parseJsonObject, stableJson } from '../store/json.js';
import type { Db } from '../store/open.js';
import { requireActiveBinding } from '../tasks/bindings.js';
import { requireTask } from '../tasks/tasks.js';
import { appendTelemetry } from '../telemetry/telemetry.js';
import { sendSessionText } from '../tmux/session-actions.js';
import type { Tmux } from '../tmux/tmux.js';

const DECISION_MAX_AGE_SECONDS = 900;

export interface CompactInput {
  task: string;
  clear: boolean;
  promptOnly: boolean;
  message: string | null;
  decisionId: number | null;
  strictDecisions: boolean;
  dryRun: boolean;
}

/** A recorded manager decision checked against what this action allows (here: nudge), or why it does not count. */
export function assessDecision(
  db: Db,
  taskId: string,
  decisionId: number | null,
  allowed: readonly string[],
  now: Date,
) {
  if (decisionId === null)
    return {
      allowed_decisions: [...allowed],
      decision: null,
      decision_id: null,
      ok: false,
      warnings: ['missing_decision_id'],
    };
  const row = db
    .prepare<
      [number],
      {
        id: number;
        task_id: string;
        manager_id: string | null;
        manager_cycle_id: number | null;
        decision: string;
        reason: string;
        created_at: string;
      }
    >(
      'select id, task_id, manager_id, manager_cycle_id, decision, reason, created_at from manager_decisions where id = ?',
    )
    .get(decisionId);
  const warnings: string[] = [];
  let age: number | null = null;
  if (!row) warnings.push('decision_not_found');
  else {
    if (row.task_id !== taskId) warnings.push('decision_task_mismatch');
    if (!allowed.includes(row.decision)) warnings.push('decision_mismatch');
    age = ageSeconds(row.created_at, now);
    if (age === null) warnings.push('decision_timestamp_invalid');
    else if (age > DECISION_MAX_AGE_SECONDS) warnings.push('decision_stale');
  }
  return {
    age_seconds: age,
    allowed_decisions: [...allowed],
    decision: row ?? null,
    decision_id: decisionId,
    max_age_seconds: DECISION_MAX_AGE_SECONDS,
    ok: warnings.length === 0,
    warnings,
  };
}

function permissionCheck(db: Db, taskId: string, slash: string | null) {
  const config = db
    .prepare<[string], { permissions_json: string }>('select permissions_json from manager_configs where task_id = ?')
    .get(taskId);
  const handoff = db
    .prepare<[string], { id: number; summary: string }>(
      'select id, summary from worker_handoffs where task_id = ? order by id desc limit 1',
    )
    .get(taskId);
  const reasons: string[] = [];
  let allowed = true;
  if (!config) {
    reasons.push('missing_manager_config');
    allowed = false;
  } else {
    const granted = parseJsonObject(config.permissions_json).worker_session;
    const needed = slash === '/clear' ? 'clear' : 'compact';
    if (!Array.isArray(granted) || !granted.includes(needed)) {
      reasons.push('permission_not_enabled');
      allowed = false;
    }
  }
  if (!handoff) {
    reasons.push('missing_worker_handoff');
    allowed = false;
  }
  return { check: { action: 'worker_compact_clear', allowed, handoff_id: handoff?.id ?? null, reasons }, handoff };
}

function requestMessage(task: string, handoff: { id: number; summary: string } | undefined): string {
  if (!handoff) return 'Manager request: save a handoff first; context compaction or clearing needs one.';
  return [
    'Manager request: get ready to compact or clear your context, if this Codex session supports it.',
    '',
    `Task: ${task}`,
    `Saved handoff id: ${handoff.id}`,
    `Saved handoff summary: ${handoff.summary}`,
    '',
    'First check that the saved handoff still describes where you are; if it is out of date, refresh it with `conveyor handoff`.',
    'Then compact or clear only if that is supported and makes sense, and report whether it happened and your next concrete step.',
    'Do not edit project files for this request.',
  ].join('\n');
}

export function requestWorkerCompact(db: Db, tmux: Tmux, input: CompactInput, now: () => Date) {
  const task = requireTask(db, input.task);
  const live = requireActiveBinding(db, task);
  const worker = live.worker;
  const decision = assessDecision(db, task.id, input.decisionId, ['nudge'], now());
  const slash = input.promptOnly ? null : input.clear ? '/clear' : '/compact';
  const { check, handoff } = permissionCheck(db, task.id, slash);
  const message = input.message ?? requestMessage(input.task, handoff);
  const sendText = slash ?? message;
  const at = isoMillis(now());
  const seconds = isoSeconds(now());
  const base = { manager_decision: decision, permission_check: check, task: input.task, worker_session: worker.name };
  const refusal =
    input.strictDecisions && !decision.ok
      ? stableJson({
          command_type: 'request_worker_compact',
          error: 'manager_decision_validation_failed',
          manager_decision: decision,
        })
      : !check.allowed
        ? stableJson(check)
        : null;
  const command: CommandRow = db
    .transaction(() => {
      appendEvent(db, {
        createdAt: seconds,
        type: 'manager_permission_checked',
        taskId: task.id,
        payload: { ...check, source: 'request_worker_compact' },
      });
      appendTelemetry(db, {
        taskId: task.id,
        timestamp: seconds,
        actor: 'manager',
        eventType: 'manager_permission_checked',
        severity: check.allowed ? 'info' : 'warning',
        summary: `Checked the worker compact/clear permission on ${task.name}.`,
        correlation: {
          action: check.action,
          binding_id: live.binding.id,
          handoff_id: check.handoff_id,
          source: 'request_worker_compact',
        },
        attributes: { allowed: check.allowed, reasons: check.reasons, worker_session: worker.name },
      });
      const created = startImmediateCommand(
        db,
        {
          taskId: task.id,
          type: 'request_worker_compact',
          payload: { ...base, message, send_text: sendText, slash_command: slash },
        },
        at,
      );
      if (refusal !== null) {
        const error = `worker compact request is not allowed: ${refusal}`;
        const result = { ...base, command_id: created.id, expected_failure: true, failure_stage: 'preflight' };
        finishImmediateCommand(db, created, { state: 'failed', result, error }, at);
        appendEvent(db, {
          createdAt: seconds,
          type: 'worker_compact_request_failed',
          taskId: task.id,
          commandId: created.id,
          payload: { ...result, error, error_type: 'Error' },
        });
      } else {
        appendEvent(db, {
          createdAt: seconds,
          type: 'worker_compact_requested',
          taskId: task.id,
          commandId: created.id,
          payload: { permission_check: check, worker_session: worker.name },
        });
      }
      return created;
    })
    .immediate();
  if (refusal !== null) throw new UsageError(`worker compact request is not allowed: ${refusal}`);
  try {
    const sendResult = sendSessionText(tmux, worker, sendText, { dryRun: input.dryRun, time: seconds });
    const result = {
      ...base,
      command_id: command.id,
      message,
      send_result: sendResult,
      send_text: sendText,
      slash_command: slash,
    };
    db.transaction(() => {
      finishImmediateCommand(db, command, { state: 'succeeded', result }, isoMillis(now()));
      appendEvent(db, {
        createdAt: seconds,
        type: 'worker_compact_request_succeeded',
        taskId: task.id,
        commandId: command.id,
        payload: result,
      });
    }).immediate();
    return result;
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    db.transaction(() => {
      const result = { ...base, command_id: command.id, expected_failure: false, failure_stage: 'delivery' };
      finishImmediateCommand(db, command, { state: 'failed', result, error: text }, isoMillis(now()));
      appendEvent(db, {
        createdAt: seconds,
        type: 'worker_compact_request_failed',
        taskId: task.id,
        commandId: command.id,
        payload: { ...result, error: text, error_type: 'Error' },
      });
    }).immediate();
    throw error instanceof ConveyorError ? error : new ConveyorError(text);
  }
}

/** compact-worker: record a nudge decision first (kept even if the request is refused), then request strictly. */
export function compactWorker(
  db: Db,
  tmux: Tmux,
  input: Omit<CompactInput, 'decisionId' | 'strictDecisions'> & { reason: string; cycleId: number | null },
  now: () => Date,
) {
  const task = requireTask(db, input.task);
  const at = isoSeconds(now());
  const slash = input.promptOnly ? null : input.clear ? '/clear' : '/compact';
  const decisionId = db
    .transaction(() => {
      const id = Number(
        db
          .prepare(
            `insert into manager_decisions(task_id, manager_id, manager_cycle_id, decision, reason, created_at, payload_json) values (?, null, ?, 'nudge', ?, ?, ?)`,
          )
          .run(task.id, input.cycleId, input.reason, at, stableJson({ slash_command: slash, source: 'compact-worker' }))
          .lastInsertRowid,
      );
      appendEvent(db, {
        createdAt: at,
        type: 'manager_decision_recorded',
        taskId: task.id,
        payload: { decision: 'nudge', decision_id: id, manager_cycle_id: input.cycleId, reason: input.reason },
      });
      return id;
    })
    .immediate();
  return requestWorkerCompact(db, tmux, { ...input, decisionId, strictDecisions: true }, now);
}
