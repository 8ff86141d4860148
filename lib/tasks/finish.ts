// finish-task / stop-task: the audited close of a task. Gates refuse with exit 1 (GateError); a refusal after
// the command exists is recorded as a failed command. Every write of one call is one transaction (0.1.12 wrote
// row by row and could leave partial rows behind).
import { ageSeconds, isoMillis, isoSeconds } from '../clock.js';
import { latestAck } from './acks.js';
import { activeBindingForTask } from './bindings.js';
import { finishImmediateCommand, startImmediateCommand, type CommandRow } from '../queue/commands.js';
import { criteriaAudit, listCriteria, type CriteriaAudit } from '../criteria/criteria.js';
import { epilogueStatus } from '../manager/epilogue.js';
import type { Db } from '../store/open.js';
import { ConflictError, GateError } from '../errors.js';
import { appendEvent } from '../store/events.js';
import { stableJson } from '../store/json.js';
import { RUN_COLUMNS, type RunRow } from '../queue/loop-policy.js';
import { findSessionById, type SessionRow } from '../sessions/sessions.js';
import { requireTask, type TaskRow } from './tasks.js';
import { appendTelemetry } from '../telemetry/telemetry.js';
import { sendSessionText } from '../tmux/session-actions.js';
import { Tmux } from '../tmux/tmux.js';

const DECISION_MAX_AGE_SECONDS = 900;
const FAILING_PROOF_STATUSES = new Set(['error', 'errored', 'fail', 'failed', 'failure', 'rejected']);

export interface FinishInput {
  task: string;
  /** true for finish-task, false for stop-task. */
  finish: boolean;
  reason?: string;
  requireCriteriaAudit?: boolean;
  requireAcks?: boolean;
  requireEpilogue?: boolean;
  requireAdversarialProof?: boolean;
  decisionId?: number;
  strictDecisions?: boolean;
  stopWorker?: boolean;
  stopManager?: boolean;
  message?: string;
  captureTranscriptBeforeStop?: boolean;
  captureTranscriptLines?: number;
  captureTranscriptMode?: string;
  requireTranscriptSegment?: boolean;
  /** The tmux the session side effects go through (tests pass one bound to their own server). */
  tmux?: Tmux;
}

interface DecisionRow {
  created_at: string;
  decision: string;
  id: number;
  manager_cycle_id: number | null;
  manager_id: string | null;
  reason: string;
  task_id: string;
}

export interface DecisionAssessment {
  age_seconds?: number | null;
  allowed_decisions: string[];
  /** The decision row named by --decision-id, or null when there is none. */
  decision: DecisionRow | null;
  decision_id: number | null;
  max_age_seconds?: number;
  ok: boolean;
  warnings: string[];
}

function assessDecision(db: Db, taskId: string, decisionId: number | undefined, now: Date): DecisionAssessment {
  if (decisionId === undefined)
    return {
      allowed_decisions: ['stop'],
      decision: null,
      decision_id: null,
      ok: false,
      warnings: ['missing_decision_id'],
    };
  const row = db
    .prepare<[number], DecisionRow>(
      'select id, task_id, manager_id, manager_cycle_id, decision, reason, created_at from manager_decisions where id = ?',
    )
    .get(decisionId);
  const warnings: string[] = [];
  let age: number | null = null;
  if (!row) warnings.push('decision_not_found');
  else {
    if (row.task_id !== taskId) warnings.push('decision_task_mismatch');
    if (row.decision !== 'stop') warnings.push('decision_mismatch');
    age = ageSeconds(row.created_at, now);
    if (age === null) warnings.push('decision_timestamp_invalid');
    else if (age > DECISION_MAX_AGE_SECONDS) warnings.push('decision_stale');
  }
  return {
    age_seconds: age,
    allowed_decisions: ['stop'],
    decision: row ?? null,
    decision_id: decisionId,
    max_age_seconds: DECISION_MAX_AGE_SECONDS,
    ok: warnings.length === 0,
    warnings,
  };
}

function ackAudit(db: Db, taskId: string, required: boolean) {
  const worker = latestAck(db, taskId, 'worker');
  const manager = latestAck(db, taskId, 'manager');
  const missing = [...(worker ? [] : ['worker']), ...(manager ? [] : ['manager'])];
  return {
    manager_ack_id: manager?.id ?? null,
    missing,
    ok: missing.length === 0,
    require_acks: required,
    worker_ack_id: worker?.id ?? null,
  };
}

function epilogueAudit(db: Db, taskId: string, required: boolean) {
  return { ...epilogueStatus(db, taskId), require_epilogue: required };
}

/** A satisfied criterion with structured adversarial evidence (failure mode, check, result) that did not fail. */
export function hasAdversarialProof(db: Db, taskId: string): boolean {
  return listCriteria(db, taskId).some((c) => {
    if (c.status !== 'satisfied') return false;
    const e = c.evidence;
    const filled = (k: string) => typeof e[k] === 'string' && (e[k] as string).trim() !== '';
    const status = typeof e.status === 'string' ? e.status.toLowerCase() : '';
    return (
      e.evidence_type === 'adversarial_check' &&
      filled('failure_mode') &&
      filled('check') &&
      filled('result') &&
      !FAILING_PROOF_STATUSES.has(status)
    );
  });
}

interface Pair {
  worker: SessionRow | null;
  manager: SessionRow | null;
}

function gateFailureMessage(stage: string, audit: Record<string, unknown>): string {
  if (stage === 'final_criteria_audit') {
    const open = (audit as unknown as CriteriaAudit).open_criteria.map((c) => `#${c.id}: ${c.criterion}`).join('; ');
    return `finish refused: accepted acceptance criteria are still open (${open}); satisfy, defer or reject them first`;
  }
  if (stage === 'final_ack_audit')
    return `finish refused: acknowledgements missing from ${(audit.missing as string[]).join(' and ')}`;
  return `finish refused: epilogue steps not succeeded: ${(audit.missing_or_incomplete as string[]).join(', ')}`;
}

/** Closes a task (finish-task, or stop-task with finish false); returns what the CLI prints. */
export function finishTask(db: Db, input: FinishInput, now: Date): Record<string, unknown> {
  const task = requireTask(db, input.task);
  if (task.state === 'done' || task.state === 'failed')
    throw new ConflictError(`Task ${input.task} is already ${task.state}; it takes no further loop commands`);
  const live = activeBindingForTask(db, task.id);
  const pair: Pair = { worker: live?.worker ?? null, manager: live?.manager ?? null };
  const verb = input.finish ? 'finish' : 'stop';
  if (input.finish && input.requireAdversarialProof && !hasAdversarialProof(db, task.id)) {
    throw new GateError(
      `finish refused: no satisfied acceptance criterion carries adversarial_check evidence (failure_mode, check, result)`,
    );
  }
  const decision = assessDecision(db, task.id, input.decisionId, now);
  if (input.strictDecisions && !decision.ok)
    throw new GateError(`${verb} refused: the manager decision does not allow it (${decision.warnings.join(', ')})`);
  const reason = input.reason ?? (input.finish ? 'Finished by the operator.' : 'Stopped by the operator.');
  const stopWorker = input.stopWorker ?? false;
  const stopManager = input.finish ? (input.stopManager ?? false) : true;
  const audits = input.finish
    ? {
        final_ack_audit: ackAudit(db, task.id, input.requireAcks ?? false),
        final_audit: criteriaAudit(db, task.id, input.requireCriteriaAudit ?? false),
        final_epilogue_audit: epilogueAudit(db, task.id, input.requireEpilogue ?? false),
      }
    : {};
  const names = {
    manager_session: pair.manager?.name ?? null,
    task: input.task,
    worker: pair.worker?.name ?? null,
    worker_session: pair.worker?.name ?? null,
  };
  const captureFields = input.finish
    ? {
        capture_transcript_before_stop: input.captureTranscriptBeforeStop ?? false,
        capture_transcript_lines: input.captureTranscriptLines ?? 200,
        capture_transcript_mode: input.captureTranscriptMode ?? 'segment',
      }
    : {};
  const payload = {
    ...captureFields,
    ...audits,
    ...names,
    already_done_followup: false,
    finish: input.finish,
    manager_decision: decision,
    message: input.message ?? null,
    reason,
    stop_manager: stopManager,
    stop_worker: stopWorker,
  };
  const at = isoMillis(now);
  const commandType = input.finish ? 'finish_task' : 'stop_task';
  const gate = input.finish
    ? firstFailingGate(input, audits as unknown as Record<string, Record<string, unknown>>)
    : undefined;

  // Three steps, so that no transaction is open while tmux runs: record the intent, act on tmux, record the outcome.
  const intent = db
    .transaction(
      (): { command: CommandRow; decisionId: number | null; observationId: number | null } | { error: string } => {
        const command = startImmediateCommand(db, { taskId: task.id, type: commandType, payload }, at);
        if (gate) {
          const error = gateFailureMessage(gate.stage, gate.audit);
          const result = {
            [gate.key]: gate.audit,
            command_id: command.id,
            expected_failure: true,
            failure_stage: gate.stage,
            finish: true,
            task: input.task,
          };
          finishImmediateCommand(db, command, { state: 'failed', result, error }, at);
          appendEvent(db, {
            createdAt: at,
            type: 'finish_task_failed',
            taskId: task.id,
            commandId: command.id,
            payload: { ...result, error },
          });
          return { error };
        }
        let decisionId: number | null = null;
        let observationId: number | null = null;
        if (input.finish) ({ decisionId, observationId } = recordStopDecision(db, task, command, reason, at));
        // The intent event carries the plan, not the names (0.1.12's shape).
        const {
          already_done_followup: _a,
          manager_session: _m,
          task: _t,
          worker: _w,
          worker_session: _ws,
          ...plan
        } = payload;
        appendEvent(db, {
          createdAt: at,
          type: `${verb}_task_intent`,
          taskId: task.id,
          commandId: command.id,
          payload: { ...plan, final_decision_id: decisionId, final_observation_id: observationId },
        });
        if (input.finish)
          appendEvent(db, {
            createdAt: at,
            type: 'finish_task_criteria_audit',
            taskId: task.id,
            commandId: command.id,
            payload: { ...(audits.final_audit as CriteriaAudit) },
          });
        return { command, decisionId, observationId };
      },
    )
    .immediate();
  if ('error' in intent) throw new GateError(intent.error);
  const { command, decisionId, observationId } = intent;
  const effects = stopSessions(input, roleSessions(db, task.id, pair), { stopWorker, stopManager }, now);
  const outcome = db
    .transaction((): { result: Record<string, unknown> } | { error: string } => {
      if ('error' in effects) {
        const result = {
          command_id: command.id,
          expected_failure: false,
          failure_stage: 'live_lifecycle_side_effects',
          finish: input.finish,
          task: input.task,
        };
        finishImmediateCommand(db, command, { state: 'failed', result, error: effects.error }, at);
        appendEvent(db, {
          createdAt: at,
          type: `${verb}_task_failed`,
          taskId: task.id,
          commandId: command.id,
          payload: { ...result, error: effects.error },
        });
        return { error: effects.error };
      }
      const gone = db.prepare(`update sessions set state = 'gone', last_heartbeat_at = ? where id = ?`);
      for (const id of effects.killedIds) gone.run(at, id);
      db.prepare(
        `update bindings set state = 'ended', ended_at = ? where task_id = ? and state in ('active','ending')`,
      ).run(at, task.id);
      db.prepare(`update tasks set state = 'done', updated_at = ? where id = ?`).run(at, task.id);
      const run = closeActiveRun(db, task.id, input.finish ? 'finished' : 'abandoned', at);
      const result = {
        ...audits,
        ...names,
        already_done_followup: false,
        command_id: command.id,
        final_decision_id: decisionId,
        final_observation_id: observationId,
        finish: input.finish,
        killed_manager: effects.killedManager,
        killed_worker: effects.killedWorker,
        manager_decision: decision,
        pre_stop_transcript_captures: [],
        reason,
        stop_manager: stopManager,
        stop_worker: stopWorker,
      };
      finishImmediateCommand(db, command, { state: 'succeeded', result }, at);
      appendEvent(db, {
        createdAt: at,
        type: `${verb}_task_succeeded`,
        taskId: task.id,
        commandId: command.id,
        payload: result,
      });
      appendTelemetry(db, {
        taskId: task.id,
        timestamp: at,
        actor: 'workerctl',
        eventType: input.finish ? 'task_finished' : 'task_stopped',
        summary: `Task ${task.name} ${input.finish ? 'finished' : 'stopped'}.`,
        correlation: { command_id: command.id, run_id: run?.id ?? null },
        attributes: {
          already_done_followup: false,
          killed_manager: effects.killedManager,
          killed_worker: effects.killedWorker,
          reason,
          run_status: run ? (input.finish ? 'finished' : 'abandoned') : null,
          stop_manager: stopManager,
          stop_worker: stopWorker,
        },
      });
      return { result };
    })
    .immediate();
  if ('error' in outcome) throw new GateError(outcome.error);
  return outcome.result;
}

function firstFailingGate(
  input: FinishInput,
  audits: Record<string, Record<string, unknown>>,
): { stage: string; key: string; audit: Record<string, unknown> } | undefined {
  const criteria = audits.final_audit as unknown as CriteriaAudit;
  if (input.requireCriteriaAudit && criteria.open_criteria.length > 0)
    return { stage: 'final_criteria_audit', key: 'final_audit', audit: audits.final_audit as Record<string, unknown> };
  if (input.requireAcks && !(audits.final_ack_audit as { ok: boolean }).ok)
    return {
      stage: 'final_ack_audit',
      key: 'final_ack_audit',
      audit: audits.final_ack_audit as Record<string, unknown>,
    };
  if (input.requireEpilogue && !(audits.final_epilogue_audit as { ok: boolean }).ok)
    return {
      stage: 'final_epilogue_audit',
      key: 'final_epilogue_audit',
      audit: audits.final_epilogue_audit as Record<string, unknown>,
    };
  return undefined;
}

function recordStopDecision(
  db: Db,
  task: TaskRow,
  command: CommandRow,
  reason: string,
  at: string,
): { decisionId: number; observationId: number } {
  const decisionPayload = { command_id: command.id, source: 'finish_task' };
  const decisionId = Number(
    db
      .prepare(
        `insert into manager_decisions(task_id, manager_id, manager_cycle_id, decision, reason, created_at, payload_json) values (?, null, null, 'stop', ?, ?, ?)`,
      )
      .run(task.id, reason, at, stableJson(decisionPayload)).lastInsertRowid,
  );
  appendTelemetry(db, {
    taskId: task.id,
    timestamp: at,
    actor: 'workerctl',
    eventType: 'manager_decision_recorded',
    summary: `Recorded a stop decision for ${task.name}.`,
    correlation: { decision_id: decisionId, manager_cycle_id: null, manager_id: null },
    attributes: { decision: 'stop', payload: decisionPayload, reason },
  });
  const observationId = Number(
    db
      .prepare(
        `insert into agent_observations(task_id, worker_id, manager_id, role, observation_type, severity, source_capture_id, command_id, created_at, message, payload_json)
         values (?, null, null, 'manager', 'decision', 'info', null, ?, ?, ?, ?)`,
      )
      .run(
        task.id,
        command.id,
        at,
        reason,
        stableJson({ decision: 'stop', decision_id: decisionId, source: 'finish_task' }),
      ).lastInsertRowid,
  );
  return { decisionId, observationId };
}

/** The sessions finish/stop act on: the live binding's, else those of the task's newest ended binding. */
function roleSessions(db: Db, taskId: string, live: Pair): Pair {
  if (live.worker || live.manager) return live;
  const newest = db
    .prepare<[string], { worker_session_id: string | null; manager_session_id: string | null }>(
      'select worker_session_id, manager_session_id from bindings where task_id = ? order by created_at desc, rowid desc limit 1',
    )
    .get(taskId);
  if (!newest) return live;
  const byId = (id: string | null) => (id ? (findSessionById(db, id) ?? null) : null);
  return { worker: byId(newest.worker_session_id), manager: byId(newest.manager_session_id) };
}

type StopEffects = { killedWorker: boolean; killedManager: boolean; killedIds: string[] } | { error: string };

/**
 * The tmux side of finish/stop, run with no transaction open: the closing message to the worker, then the kills.
 * A session whose tmux session is already gone counts as not killed (0.1.12 failed the whole finish on it).
 */
function stopSessions(
  input: FinishInput,
  pair: Pair,
  stop: { stopWorker: boolean; stopManager: boolean },
  now: Date,
): StopEffects {
  const tmux = input.tmux ?? new Tmux();
  const killedIds: string[] = [];
  const kill = (session: SessionRow | null): boolean => {
    if (!session?.tmux_session) return false; // no tmux: nothing to stop, the session stays active
    if (!tmux.running(session.tmux_session)) return false;
    tmux.kill(session.tmux_session);
    killedIds.push(session.id);
    return true;
  };
  try {
    let killedWorker = false;
    let killedManager = false;
    if (stop.stopWorker && pair.worker?.tmux_session) {
      if (input.message && tmux.running(pair.worker.tmux_session)) {
        sendSessionText(tmux, pair.worker, input.message, { time: isoSeconds(now) });
      }
      killedWorker = kill(pair.worker);
    }
    if (stop.stopManager) killedManager = kill(pair.manager);
    return { killedWorker, killedManager, killedIds };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function closeActiveRun(db: Db, taskId: string, status: 'finished' | 'abandoned', at: string): RunRow | undefined {
  const run = db
    .prepare<[string], RunRow>(
      `select ${RUN_COLUMNS} from runs where task_id = ? and status = 'active' order by started_at desc limit 1`,
    )
    .get(taskId);
  if (!run) return undefined;
  db.prepare('update runs set status = ?, ended_at = ? where id = ?').run(status, at, run.id);
  appendTelemetry(db, {
    taskId,
    runId: run.id,
    timestamp: at,
    actor: 'workerctl',
    eventType: 'run_finished',
    summary: `Run ${run.name} closed as ${status}.`,
    correlation: { run_id: run.id, run_name: run.name },
    attributes: { status },
  });
  return run;
}
