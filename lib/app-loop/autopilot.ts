// app-autopilot: the pair's desired heartbeat policy per (task, dispatcher id). start/stop record intent
// as app_autopilot_started / app_autopilot_stopped and every action returns the Codex app heartbeat
// automation specs; creating, pausing or deleting those automations happens in a Codex app session.
import { isoSeconds } from '../clock.js';
import { describeRange, isInRange, type NumberRange } from '../input-rules.js';
import { AUTOPILOT_INTERVAL_SECONDS, AUTOPILOT_WATCH_ITERATIONS } from './app-input.js';
import type { Db } from '../store/open.js';
import { UsageError } from '../errors.js';
import type { Role } from '../sessions/sessions.js';
import { appendTelemetry } from '../telemetry/telemetry.js';
import { autopilotCommand, dispatcherCommand, wakeupDispatchCommand } from './commands.js';
import { dispatcherIdOrDefault, HEARTBEAT_INTERVAL_MINUTES, type LeaseState } from './leases.js';
import { databasePathOf, getLoopStatus, type LoopInput, type LoopStatus, type TaskRef } from './loop-status.js';
import { wakePrompt } from './prompts.js';
import type { Receipt } from './wake-dispatch.js';

export const AUTOPILOT_ACTIONS = ['start', 'stop', 'status'] as const;
export type AutopilotAction = (typeof AUTOPILOT_ACTIONS)[number];
export type DesiredState = 'active' | 'stopped' | 'unconfigured';

export const DEFAULT_WATCH_ITERATIONS = 1_000_000;
export const DEFAULT_DISPATCH_INTERVAL_SECONDS = 2;
const RRULE = `FREQ=MINUTELY;INTERVAL=${HEARTBEAT_INTERVAL_MINUTES}`;
const POLICY_TYPES = { start: 'app_autopilot_started', stop: 'app_autopilot_stopped' } as const;

export interface AutopilotInput extends LoopInput {
  /** Seconds between dispatcher passes in the suggested dispatcher command (default 2). */
  intervalSeconds?: number;
  /** Pass bound of the suggested dispatcher command (default 1000000). */
  watchIterations?: number;
}

export interface AutomationSpec {
  blocker: string | null;
  can_create: boolean;
  interval_minutes: number;
  kind: 'heartbeat';
  name: string;
  prompt: string;
  role: Role;
  rrule: string;
  target_thread_id: string | null;
  target_thread_title: string | null;
}

export interface AutopilotPlan {
  automation_specs: AutomationSpec[];
  control: {
    dispatcher_command: string;
    note: string;
    status_command: string;
    stop_command: string;
    wakeup_dispatch_command: string;
  };
  desired_state: DesiredState;
  dispatcher: { command: string; required: boolean; state: LeaseState };
  interval_minutes: number;
  last_policy_event: Receipt | null;
  status: LoopStatus;
  summary: {
    blocked_automations: number;
    creatable_automations: number;
    dispatcher_required: boolean;
    total_automations: number;
  };
  task: TaskRef;
}

export interface AutopilotResult {
  action: AutopilotAction;
  plan: AutopilotPlan;
  receipt: Receipt | null;
}

export const AUTOPILOT_NOTE =
  'This plain shell CLI cannot call Codex app thread tools: create or pause these heartbeat automations from a Codex app session, and use the CLI for the status/start/stop receipts.';

function lastPolicyEvent(db: Db, taskId: string, dispatcherId: string): Receipt | null {
  const row = db
    .prepare<[string, string], { id: string; event_type: string; timestamp: string }>(
      // Through the event-type index: policy events are few, while the task's own range is all its history.
      `select id, event_type, timestamp from telemetry_events indexed by telemetry_events_type_timestamp
        where task_id = ? and event_type in ('app_autopilot_started','app_autopilot_stopped')
          and json_extract(correlation_json, '$.dispatcher_id') = ?
        order by timestamp desc, rowid desc limit 1`, // rowid: a start and a stop in the same second, the later wins
    )
    .get(taskId, dispatcherId);
  return row ? { event_id: row.id, event_type: row.event_type, recorded_at: row.timestamp } : null;
}

/**
 * The dispatcher id of the task's newest autopilot policy event (start or stop), or null when none was recorded.
 * The overview calls a task's autopilot "on" when that newest event is a start, whatever its dispatcher id, so
 * a page that acts without naming a dispatcher acts on this one (the CLI keeps 0.1.12's default instead).
 */
export function currentPolicyDispatcherId(db: Db, taskId: string): string | null {
  const row = db
    .prepare<[string], { dispatcher_id: unknown }>(
      `select json_extract(correlation_json, '$.dispatcher_id') as dispatcher_id
         from telemetry_events indexed by telemetry_events_type_timestamp
        where task_id = ? and event_type in ('app_autopilot_started','app_autopilot_stopped')
        order by rowid desc limit 1`,
    )
    .get(taskId);
  return typeof row?.dispatcher_id === 'string' && row.dispatcher_id !== '' ? row.dispatcher_id : null;
}

function automationSpec(status: LoopStatus, role: Role, dbPath: string): AutomationSpec {
  const threadId = status[role].codex_app_thread_id;
  return {
    blocker: threadId
      ? null
      : `No Codex app thread id is registered for the ${role}; register the thread metadata before creating an app heartbeat automation.`,
    can_create: Boolean(threadId),
    interval_minutes: HEARTBEAT_INTERVAL_MINUTES,
    kind: 'heartbeat',
    name: `Conveyor ${status.task.name} ${role} heartbeat`,
    prompt: wakePrompt(role, status.task.name, dbPath),
    role,
    rrule: RRULE,
    target_thread_id: threadId,
    target_thread_title: status[role].codex_app_thread_title,
  };
}

/** The caller's bound, or the default; the same rule the CLI flag and the dashboard input are checked with. */
function boundOr(value: number | undefined, fallback: number, flag: string, range: NumberRange): number {
  if (value === undefined) return fallback;
  if (!isInRange(value, range)) throw new UsageError(`--${flag} must be ${describeRange(range)}, got ${value}`);
  return value;
}

function buildPlan(db: Db, action: AutopilotAction, input: AutopilotInput, now: Date): AutopilotPlan {
  const dispatcherId = dispatcherIdOrDefault(input.dispatcherId);
  const bounds = {
    watchIterations: boundOr(
      input.watchIterations,
      DEFAULT_WATCH_ITERATIONS,
      'watch-iterations',
      AUTOPILOT_WATCH_ITERATIONS,
    ),
    intervalSeconds: boundOr(
      input.intervalSeconds,
      DEFAULT_DISPATCH_INTERVAL_SECONDS,
      'interval',
      AUTOPILOT_INTERVAL_SECONDS,
    ),
  };
  const status = getLoopStatus(db, { ...input, dispatcherId }, now);
  const dbPath = databasePathOf(db);
  const task = status.task;
  const last = lastPolicyEvent(db, task.id, dispatcherId);
  const specs = (['manager', 'worker'] as const).map((role) => automationSpec(status, role, dbPath));
  const creatable = specs.filter((s) => s.can_create).length;
  const dispatcher = dispatcherCommand(dispatcherId, dbPath, bounds);
  const derived: DesiredState =
    last?.event_type === POLICY_TYPES.start
      ? 'active'
      : last?.event_type === POLICY_TYPES.stop
        ? 'stopped'
        : 'unconfigured';
  return {
    automation_specs: specs,
    control: {
      dispatcher_command: dispatcher,
      note: AUTOPILOT_NOTE,
      status_command: autopilotCommand('status', task.name, dbPath),
      stop_command: autopilotCommand('stop', task.name, dbPath),
      wakeup_dispatch_command: wakeupDispatchCommand(task.name, dbPath, dispatcherId),
    },
    desired_state: action === 'start' ? 'active' : action === 'stop' ? 'stopped' : derived,
    dispatcher: { command: dispatcher, required: status.dispatch.state !== 'healthy', state: status.dispatch.state },
    interval_minutes: HEARTBEAT_INTERVAL_MINUTES,
    last_policy_event: last,
    status,
    summary: {
      blocked_automations: specs.length - creatable,
      creatable_automations: creatable,
      dispatcher_required: status.dispatch.state !== 'healthy',
      total_automations: specs.length,
    },
    task,
  };
}

function recordPolicy(db: Db, action: 'start' | 'stop', input: AutopilotInput, now: Date): AutopilotResult {
  const plan = buildPlan(db, action, input, now);
  const dispatcherId = plan.status.dispatch.dispatcher_id;
  const at = isoSeconds(now);
  const eventType = POLICY_TYPES[action];
  const { id } = appendTelemetry(db, {
    taskId: plan.task.id,
    timestamp: at,
    actor: 'operator',
    eventType,
    severity: plan.summary.blocked_automations > 0 ? 'warning' : 'info',
    summary: `Autopilot ${action === 'start' ? 'started' : 'stopped'} for ${plan.task.name} (${plan.summary.creatable_automations} of ${plan.summary.total_automations} automations creatable).`,
    correlation: { action, command: 'app-autopilot', dispatcher_id: dispatcherId },
    attributes: {
      // Prompts, rrules and blockers are derivable and not stored.
      automation_specs: plan.automation_specs.map((s) => ({
        can_create: s.can_create,
        interval_minutes: s.interval_minutes,
        name: s.name,
        role: s.role,
        target_thread_id: s.target_thread_id,
        target_thread_title: s.target_thread_title,
      })),
      desired_state: plan.desired_state,
      dispatcher_command: plan.control.dispatcher_command,
      dispatcher_id: dispatcherId,
      interval_minutes: plan.interval_minutes,
      summary: plan.summary,
    },
  });
  const receipt = { event_id: id, event_type: eventType, recorded_at: at };
  return { action, plan: { ...plan, last_policy_event: receipt }, receipt };
}

export function startAutopilot(db: Db, input: AutopilotInput, now: Date): AutopilotResult {
  return recordPolicy(db, 'start', input, now);
}

export function stopAutopilot(db: Db, input: AutopilotInput, now: Date): AutopilotResult {
  return recordPolicy(db, 'stop', input, now);
}

export function autopilotStatus(db: Db, input: AutopilotInput, now: Date): AutopilotResult {
  return { action: 'status', plan: buildPlan(db, 'status', input, now), receipt: null };
}
