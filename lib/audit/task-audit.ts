// The audit record of one task (0.1.12 `audit`): every task-scoped row, read in one snapshot, with *_json
// columns parsed under their short names, flag columns as booleans, stored terminal text redacted unless asked
// for, and the derived correlation chains that tie each command to its attempts, notifications and decision.
import type { Db } from '../store/open.js';
import { TELEMETRY_COLUMNS, toTelemetryEvent, type TelemetryRow } from '../telemetry/telemetry.js';
import type { TaskRow } from '../tasks/tasks.js';
import { requireTask } from '../tasks/tasks.js';

export type Row = Record<string, unknown>;

/** Parses a JSON column; SQL NULL stays null and text that is not JSON reads as null. */
export function parseJsonColumn(text: unknown): unknown {
  if (typeof text !== 'string') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** A raw row as 0.1.12 prints it: `x_json` becomes `x` (parsed), the named flag columns become booleans. */
export function presentRow(row: Row, booleans: readonly string[] = []): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.endsWith('_json')) out[key.slice(0, -'_json'.length)] = parseJsonColumn(value);
    else if (booleans.includes(key)) out[key] = value === 1 || value === true;
    else out[key] = value;
  }
  return out;
}

/** Line count by Python's splitlines: \r\n, \r and \n each end a line; a final break adds no line. */
export function lineCount(text: string): number {
  if (text === '') return 0;
  const breaks = text.match(/\r\n|\r|\n/g)?.length ?? 0;
  return /[\r\n]$/.test(text) ? breaks : breaks + 1;
}

/** Hides a stored text column: the key goes, its byte and line counts and a redacted flag come instead. */
export function redactColumn(row: Row, column: string): Row {
  const { [column]: value, ...rest } = row;
  if (typeof value !== 'string') return rest;
  return {
    ...rest,
    [`${column}_byte_count`]: Buffer.byteLength(value, 'utf8'),
    [`${column}_line_count`]: lineCount(value),
    [`${column}_redacted`]: true,
  };
}

export interface TaskAudit {
  task: TaskRow;
  events: Row[];
  commands: Row[];
  command_attempts: Row[];
  routed_notifications: Row[];
  manager_decisions: Row[];
  manager_cycles: Row[];
  manager_cycle_spans: Row[];
  acceptance_criteria: Row[];
  agent_observations: Row[];
  task_acknowledgements: Row[];
  task_continuations: Row[];
  continuation_reviews: Row[];
  epilogue_runs: Row[];
  session_nudges: Row[];
  terminal_captures: Row[];
  transcript_segments: Row[];
  correlation_chains: Row[];
}

export interface AuditOptions {
  /** Keep stored terminal text (capture content, segment text) instead of its counts. */
  includeContent?: boolean;
}

const NUDGE_EVENT_TYPES = ['session_nudge_succeeded', 'session_nudge_failed'];

function rows(db: Db, sql: string, ...params: unknown[]): Row[] {
  return db.prepare<unknown[], Row>(sql).all(...params);
}

/** Reads every record of a task (by id or name, the newest of a name) in one read transaction. */
export function taskAudit(db: Db, taskArg: string, options: AuditOptions = {}): TaskAudit {
  return db.transaction(() => {
    const task = requireTask(db, taskArg);
    return readTaskAudit(db, task, options);
  })();
}

export function readTaskAudit(db: Db, task: TaskRow, options: AuditOptions = {}): TaskAudit {
  const id = task.id;
  const commands = rows(db, 'select * from commands where task_id = ? order by created_at, id', id).map((r) =>
    presentRow(r),
  );
  const commandAttempts = rows(
    db,
    `select a.* from command_attempts a join commands c on c.id = a.command_id where c.task_id = ? order by a.started_at, a.id`,
    id,
  ).map((r) => presentRow(r, ['side_effect_started', 'side_effect_completed']));
  const routedNotifications = rows(
    db,
    `select n.*, s.name as source_session_name, s.role as source_session_role,
            t.name as target_session_name, t.role as target_session_role,
            c.name as consumed_by_session_name, c.role as consumed_by_session_role
       from routed_notifications n
       join sessions s on s.id = n.source_session_id
       join sessions t on t.id = n.target_session_id
       left join sessions c on c.id = n.consumed_by_session_id
      where n.task_id = ? order by n.created_at, n.id`,
    id,
  ).map((r) => presentRow(r, ['side_effect_started', 'side_effect_completed']));
  const decisions = rows(db, 'select * from manager_decisions where task_id = ? order by id', id).map((r) =>
    presentRow(r),
  );
  const terminalCaptures = rows(db, 'select * from terminal_captures where task_id = ? order by id', id).map((r) => {
    const row = presentRow(r);
    return options.includeContent ? row : redactColumn(row, 'content');
  });
  const segments = rows(db, 'select * from transcript_segments where task_id = ? order by id', id).map((r) => {
    const row = presentRow(r, ['redacted']);
    return options.includeContent ? row : redactColumn(row, 'segment_text');
  });
  const nudges = db
    .prepare<[string, ...string[]], TelemetryRow>(
      // Through the event-type index: nudges are few, while the task's own range is all its history (10,000
      // heartbeats made this one query 3-13 ms of an audit).
      `select ${TELEMETRY_COLUMNS} from telemetry_events indexed by telemetry_events_type_timestamp
        where task_id = ? and event_type in (?, ?) order by timestamp, rowid`,
    )
    .all(id, ...NUDGE_EVENT_TYPES)
    .map((r) => {
      const { seq: _seq, ...event } = toTelemetryEvent(r);
      return event as Row;
    });
  return {
    task,
    events: rows(db, 'select * from events where task_id = ? order by id', id).map((r) => presentRow(r)),
    commands,
    command_attempts: commandAttempts,
    routed_notifications: routedNotifications,
    manager_decisions: decisions,
    manager_cycles: rows(db, 'select * from manager_cycles where task_id = ? order by id', id).map((r) =>
      presentRow(r),
    ),
    manager_cycle_spans: rows(
      db,
      'select * from manager_cycle_spans where task_id = ? order by manager_cycle_id, id',
      id,
    ).map((r) => presentRow(r)),
    acceptance_criteria: rows(db, 'select * from acceptance_criteria where task_id = ? order by id', id).map((r) =>
      presentRow(r),
    ),
    agent_observations: rows(db, 'select * from agent_observations where task_id = ? order by id', id).map((r) =>
      presentRow(r),
    ),
    task_acknowledgements: rows(
      db,
      'select * from task_acknowledgements where task_id = ? order by created_at, id',
      id,
    ).map((r) => presentRow(r)),
    task_continuations: rows(db, 'select * from task_continuations where task_id = ? order by created_at, id', id).map(
      (r) => presentRow(r),
    ),
    continuation_reviews: rows(db, 'select * from continuation_reviews where task_id = ? order by id', id).map((r) =>
      presentRow(r),
    ),
    epilogue_runs: rows(db, 'select * from epilogue_runs where task_id = ? order by id', id).map((r) => presentRow(r)),
    session_nudges: nudges,
    terminal_captures: terminalCaptures,
    transcript_segments: segments,
    correlation_chains: correlationChains(commands, commandAttempts, routedNotifications, decisions),
  };
}

function asObject(value: unknown): Row | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Row) : null;
}

function asDecisionId(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return null;
}

/** The decision id a command's manager_decision metadata names (payload first, then result), if any. */
function linkedDecisionId(command: Row): number | null {
  for (const holder of [command.payload, command.result]) {
    const link = asObject(asObject(holder)?.manager_decision);
    if (!link) continue;
    const id = asDecisionId(link.decision_id) ?? asDecisionId(asObject(link.decision)?.id) ?? asDecisionId(link.id);
    if (id !== null) return id;
  }
  return null;
}

/** String order, as 0.1.12 sorts its mixed-precision timestamps (a .123Z value sorts before the bare Z). */
export function compareText(a: unknown, b: unknown): number {
  const x = a === null || a === undefined ? '' : String(a);
  const y = b === null || b === undefined ? '' : String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function correlationChains(commands: Row[], attempts: Row[], notifications: Row[], decisions: Row[]): Row[] {
  const decisionById = new Map(decisions.map((d) => [d.id as number, d]));
  const chains: Row[] = [];
  for (const command of commands) {
    const ownAttempts = attempts.filter((a) => a.command_id === command.id);
    const ownNotifications = notifications.filter((n) => n.command_id === command.id);
    const wanted = linkedDecisionId(command);
    const decision = wanted === null ? undefined : decisionById.get(wanted);
    if (!decision && ownAttempts.length === 0 && ownNotifications.length === 0 && command.correlation_id == null)
      continue;
    const consumedCycle = ownNotifications.find((n) => n.consumed_manager_cycle_id != null)?.consumed_manager_cycle_id;
    const decisionCycle = (decision?.manager_cycle_id as number | null | undefined) ?? null;
    chains.push({
      attempt_ids: ownAttempts.map((a) => a.id),
      command_id: command.id,
      command_state: command.state,
      command_type: command.type,
      correlation_id: command.correlation_id,
      created_at: command.created_at,
      manager_cycle_id: consumedCycle ?? decisionCycle,
      manager_decision_cycle_id: decisionCycle,
      manager_decision_id: decision ? decision.id : null,
      routed_notification_ids: ownNotifications.map((n) => n.id),
    });
  }
  for (const notification of notifications) {
    if (notification.command_id != null) continue;
    const cycle = (notification.consumed_manager_cycle_id as number | null) ?? null;
    const firstDecision = cycle === null ? undefined : decisions.find((d) => d.manager_cycle_id === cycle);
    chains.push({
      attempt_ids: [],
      command_id: null,
      command_state: notification.state,
      command_type: notification.signal_type,
      correlation_id: notification.correlation_id,
      created_at: notification.created_at,
      manager_cycle_id: cycle,
      manager_decision_id: firstDecision ? firstDecision.id : null,
      routed_notification_ids: [notification.id],
      signal_type: notification.signal_type,
      source_event_id: notification.source_event_id,
    });
  }
  return chains.sort((a, b) => compareText(a.created_at, b.created_at) || compareText(a.command_id, b.command_id));
}

/** `audit`'s text form: the task line, then one line per event (`--include-content` changes nothing here). */
export function auditText(audit: TaskAudit): string {
  const lines = [`${audit.task.name}\t${audit.task.state}\t${audit.task.goal}`];
  for (const event of audit.events) {
    let line = `${String(event.created_at)}\t${String(event.type)}\tactor=${String(event.actor)}`;
    if (event.command_id != null) line += `\tcommand=${String(event.command_id)}`;
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}
