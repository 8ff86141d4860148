// `replay`: a task's audit record as one time-ordered list of entries (commands, attempts, notifications,
// correlation chains, decisions, criterion events and, by format, terminal captures or transcript segments),
// filtered by role, in JSON or as a text timeline.
import { UsageError } from '../errors.js';
import type { Db } from '../store/open.js';
import type { TaskRow } from '../tasks/tasks.js';
import { compareText, readTaskAudit, type Row, type TaskAudit } from './task-audit.js';
import { requireTask } from '../tasks/tasks.js';

export const REPLAY_FORMATS = ['compact', 'timeline', 'transcript', 'full-transcript'] as const;
export type ReplayFormat = (typeof REPLAY_FORMATS)[number];
export const REPLAY_ROLES = ['all', 'worker', 'manager', 'reviewer', 'workerctl'] as const;
export type ReplayRole = (typeof REPLAY_ROLES)[number];

export interface ReplayEntry {
  actor: string;
  details: Row;
  kind: string;
  source: string;
  source_id: unknown;
  summary: string;
  timestamp: string;
  content?: string | null;
}

export interface ReplayOptions {
  format?: ReplayFormat;
  role?: ReplayRole;
  /** Keep the last N entries; 0 or absent keeps all (0.1.12's slice(-0)). */
  limit?: number;
  includeContent?: boolean;
}

export interface Replay {
  entries: ReplayEntry[];
  entry_count: number;
  mode: ReplayFormat;
  role: ReplayRole;
  task: TaskRow;
}

/** Refused before the database is opened: this format prints stored terminal text. */
export function checkReplayOptions(options: ReplayOptions): void {
  if (options.format === 'full-transcript' && !options.includeContent) {
    throw new UsageError(
      'full-transcript replay prints stored terminal text; add --include-content to ask for it explicitly (for example when stdout is redirected to a file)',
    );
  }
}

export function replayTask(db: Db, taskArg: string, options: ReplayOptions = {}): Replay {
  checkReplayOptions(options);
  return db.transaction(() => {
    const task = requireTask(db, taskArg);
    const audit = readTaskAudit(db, task, { includeContent: true });
    const format = options.format ?? 'timeline';
    const role = options.role ?? 'all';
    const all = replayEntries(audit, format, role);
    const entries = options.limit ? all.slice(-options.limit) : all;
    return { entries, entry_count: entries.length, mode: format, role, task };
  })();
}

/** Free text inside summaries: whitespace collapsed, at most 220 characters. */
function clip(value: unknown, width = 220): string {
  const text = String(value ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > width ? `${text.slice(0, width - 1)}...` : text;
}

function obj(value: unknown): Row {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Row) : {};
}

function firstDefined(...values: unknown[]): unknown {
  return values.find((v) => v !== undefined && v !== null);
}

function commandActor(type: string): string {
  if (type === 'promote') return 'system';
  if (type === 'task_interrupt' || type === 'task_nudge') return 'manager -> worker';
  if (type === 'finish_task') return 'manager';
  return 'workerctl';
}

function commandSummary(command: Row): string {
  const type = String(command.type);
  const payload = obj(command.payload);
  const result = obj(command.result);
  switch (type) {
    case 'promote':
      return `promoted worker ${clip(firstDefined(payload.worker, result.worker))} and launched manager ${clip(result.manager_session)}`;
    case 'task_nudge':
      return `sent nudge: ${clip(firstDefined(result.message, payload.message))}`;
    case 'task_interrupt':
      return `sent interrupt: ${clip(firstDefined(result.followup, payload.followup))}`;
    case 'finish_task':
      return `finished task: ${clip(firstDefined(result.reason, payload.reason))} (${result.stop_manager ? 'manager stopped' : 'manager left open'})`;
    case 'close_manager':
      return `closed manager: ${clip(firstDefined(result.reason, payload.reason))}`;
    default:
      return `${type} ${String(command.state)}`;
  }
}

function chainSummary(chain: Row): string {
  const parts = [String(chain.command_type), String(chain.command_state)];
  if (chain.command_id === null && chain.source_event_id != null)
    parts.push(`source event #${String(chain.source_event_id)}`);
  if (chain.manager_decision_id != null) parts.push(`decision #${String(chain.manager_decision_id)}`);
  if (chain.manager_cycle_id != null) parts.push(`cycle #${String(chain.manager_cycle_id)}`);
  const attempts = (chain.attempt_ids as unknown[]).length;
  const notifications = (chain.routed_notification_ids as unknown[]).length;
  if (attempts) parts.push(`${attempts} attempt(s)`);
  if (notifications) parts.push(`${notifications} notification(s)`);
  return parts.join(' -> ');
}

const CRITERION_DETAIL_KEYS = [
  'criterion_id',
  'criterion',
  'status',
  'previous_status',
  'source',
  'task_id',
  'proof',
  'previous_proof',
  'rationale',
  'previous_rationale',
  'evidence',
  'previous_evidence',
  'created',
];
const STATUS_VERBS: Record<string, string> = {
  proposed: 'proposed',
  accepted: 'accepted',
  satisfied: 'satisfied',
  deferred: 'deferred',
  rejected: 'rejected',
};

function criterionSummary(type: string, payload: Row): string {
  const status = String(payload.status ?? '');
  const added = type === 'acceptance_criterion_added';
  const verb = STATUS_VERBS[status] ?? (added ? `added (${status})` : `updated (${status})`);
  let text = `${verb} criterion #${String(payload.criterion_id)}`;
  if (!added && payload.previous_status !== undefined) text += ` (${String(payload.previous_status)} -> ${status})`;
  if (status === 'satisfied' && payload.proof) return `${text}: proof recorded (${clip(payload.proof)})`;
  if ((status === 'deferred' || status === 'rejected') && payload.rationale)
    return `${text}: ${clip(payload.rationale)}`;
  return `${text}: ${clip(payload.criterion)}`;
}

const EXCERPT_MARKERS = ['•', '›', '>', 'Ran ', 'Edited ', 'Added ', 'Built ', 'Task is complete'];

function captureSummary(capture: Row): string {
  const classifier = obj(capture.classifier);
  const pattern = obj(classifier.busy_wait).pattern;
  const startup = Array.isArray(classifier.startup) ? classifier.startup : [];
  const digest: string[] = [];
  if (pattern === 'rate_limit_prompt') digest.push('waiting_for_model_choice');
  else if (typeof pattern === 'string' && pattern !== 'approval_prompt') digest.push(`busy_wait=${pattern}`);
  if (startup.length > 0) digest.push(`startup=${String(startup[0])}`);
  if (digest.length === 0) digest.push(`${String(capture.line_count)} lines`);
  let text = `${String(capture.role)} terminal capture: ${digest.join(', ')}`;
  const content = typeof capture.content === 'string' ? capture.content : '';
  const lines = content
    .split(/\r\n|\r|\n/)
    .filter((l) => l.trim() !== '')
    .slice(-12);
  const marked = lines.filter((l) => EXCERPT_MARKERS.some((m) => l.trimStart().startsWith(m)));
  const excerpt = (marked.length > 0 ? marked : lines.slice(-4))
    .map((l) => l.trim())
    .join(' / ')
    .slice(0, 320);
  if (excerpt) text += ` | ${excerpt}`;
  return text;
}

function roleSees(role: ReplayRole, actor: string): boolean {
  if (role === 'all' || actor === role || actor === `manager -> ${role}` || actor === `${role} -> manager`) return true;
  return role === 'manager' && (actor === 'workerctl' || actor === 'system');
}

/** Every entry of the audit for a format and role, in replay order (timestamp, source, source id as text). */
export function replayEntries(audit: TaskAudit, format: ReplayFormat, role: ReplayRole): ReplayEntry[] {
  const entries: ReplayEntry[] = [];
  const dispatchSide = role === 'all' || role === 'manager';
  for (const command of audit.commands) {
    const type = String(command.type);
    const actor = commandActor(type);
    if (!roleSees(role, actor)) continue;
    entries.push({
      actor,
      details: { command_id: command.id, state: command.state, type },
      kind: type === 'finish_task' ? 'finish' : 'command',
      source: 'commands',
      source_id: command.id,
      summary: commandSummary(command),
      timestamp: String(command.created_at),
    });
  }
  if (dispatchSide) {
    for (const attempt of audit.command_attempts) {
      entries.push({
        actor: 'dispatch',
        details: {
          attempt_id: attempt.id,
          command_id: attempt.command_id,
          correlation_id: attempt.correlation_id,
          dispatcher_id: attempt.dispatcher_id,
          error: attempt.error,
          result: attempt.result,
          side_effect_completed: attempt.side_effect_completed,
          side_effect_started: attempt.side_effect_started,
          state: attempt.state,
        },
        kind: 'command_attempt',
        source: 'command_attempts',
        source_id: attempt.id,
        summary: `dispatch attempt ${String(attempt.state)}: ${String(attempt.command_id)}`,
        timestamp: String(attempt.started_at),
      });
    }
    for (const n of audit.routed_notifications) {
      entries.push({
        actor: 'dispatch',
        details: {
          command_id: n.command_id,
          consumed_at: n.consumed_at,
          consumed_by_session_id: n.consumed_by_session_id,
          consumed_by_session_name: n.consumed_by_session_name,
          correlation_id: n.correlation_id,
          delivered_at: n.delivered_at,
          delivery_mode: n.delivery_mode,
          notification_id: n.id,
          signal_type: n.signal_type,
          source_session_id: n.source_session_id,
          source_session_name: n.source_session_name,
          state: n.state,
          target_session_id: n.target_session_id,
          target_session_name: n.target_session_name,
        },
        kind: 'routed_notification',
        source: 'routed_notifications',
        source_id: n.id,
        summary: `dispatch notification ${String(n.signal_type)}: ${String(n.state)} via ${String(n.delivery_mode ?? 'unknown mode')}`,
        timestamp: String(n.delivered_at ?? n.created_at),
      });
    }
    const commandCreated = new Map(audit.commands.map((c) => [c.id, c.created_at]));
    for (const chain of audit.correlation_chains) {
      entries.push({
        actor: 'dispatch',
        details: chain,
        kind: 'correlation_chain',
        source: 'correlation_chains',
        source_id: chain.command_id ?? chain.correlation_id ?? chain.source_event_id ?? null,
        summary: chainSummary(chain),
        timestamp: String(commandCreated.get(chain.command_id) ?? chain.created_at),
      });
    }
    for (const decision of audit.manager_decisions) {
      entries.push({
        actor: 'manager',
        details: {
          decision: decision.decision,
          manager_cycle_id: decision.manager_cycle_id,
        },
        kind: 'decision',
        source: 'manager_decisions',
        source_id: decision.id,
        summary: `decision ${String(decision.decision)}: ${clip(decision.reason)}`,
        timestamp: String(decision.created_at),
      });
    }
    if (format !== 'compact') {
      for (const event of audit.events) {
        const type = String(event.type);
        if (type !== 'acceptance_criterion_added' && type !== 'acceptance_criterion_updated') continue;
        const payload = obj(event.payload);
        const details: Row = { event_type: type };
        for (const key of CRITERION_DETAIL_KEYS) if (key in payload) details[key] = payload[key];
        entries.push({
          actor: String(event.actor ?? 'workerctl'),
          details,
          kind: 'acceptance_criterion',
          source: 'events',
          source_id: event.id,
          summary: criterionSummary(type, payload),
          timestamp: String(event.created_at),
        });
      }
    }
  }
  if (format === 'transcript') {
    const seen = new Map<string, Set<unknown>>();
    for (const capture of audit.terminal_captures) {
      const captureRole = String(capture.role);
      if (role !== 'all' && role !== captureRole) continue;
      const hashes = seen.get(captureRole) ?? new Set<unknown>();
      seen.set(captureRole, hashes);
      if (hashes.has(capture.content_sha256)) continue;
      hashes.add(capture.content_sha256);
      entries.push({
        actor: captureRole,
        details: {
          capture_id: capture.id,
          classifier: capture.classifier,
          content_sha256: capture.content_sha256,
          line_count: capture.line_count,
          source: capture.source,
        },
        kind: 'capture',
        source: 'terminal_captures',
        source_id: capture.id,
        summary: captureSummary(capture),
        timestamp: String(capture.captured_at),
      });
    }
  }
  if (format === 'full-transcript') {
    for (const segment of audit.transcript_segments) {
      const segmentRole = String(segment.role);
      if (role !== 'all' && role !== segmentRole) continue;
      const text = typeof segment.segment_text === 'string' ? segment.segment_text : null;
      entries.push({
        actor: segmentRole,
        content: text,
        details: {
          content_sha256: segment.content_sha256,
          line_count: segment.line_count,
          previous_capture_id: segment.previous_capture_id,
          retention_class: segment.retention_class,
          segment_kind: segment.segment_kind,
          source_capture_id: segment.source_capture_id,
        },
        kind: 'transcript_segment',
        source: 'transcript_segments',
        source_id: segment.id,
        summary: text
          ? `${segmentRole} transcript segment (${String(segment.line_count)} lines)`
          : `${segmentRole} transcript metadata (${String(segment.segment_kind)})`,
        timestamp: String(segment.captured_at),
      });
    }
  }
  return entries.sort(
    (a, b) =>
      compareText(a.timestamp, b.timestamp) || compareText(a.source, b.source) || compareText(a.source_id, b.source_id),
  );
}

function clockOf(timestamp: string): string {
  const at = timestamp.indexOf('T');
  return (at === -1 ? timestamp : timestamp.slice(at + 1)).replace(/Z$/, '');
}

/**
 * The text timeline. Its Finished block prints the follow-up commands with a literal `<task>` placeholder,
 * as 0.1.12 does (kept: scripts compare this output).
 */
export function replayText(replay: Replay): string {
  const out = [`Task: ${replay.task.name}`, `State: ${replay.task.state}`, `Mode: ${replay.mode}`, ''];
  const finishes = replay.entries.filter((e) => e.kind === 'finish');
  const last = finishes.at(-1);
  if ((replay.task.state === 'done' || replay.task.state === 'failed') && last) {
    out.push(
      'Finished:',
      `- ${last.summary}`,
      '- Review: conveyor replay <task> --format compact',
      '- Audit: conveyor mutation-audit <task> --json',
      '',
    );
  }
  for (const entry of replay.entries) {
    out.push(`${clockOf(entry.timestamp)}  ${entry.actor.padEnd(16)} ${entry.summary}`);
    if (typeof entry.content === 'string' && entry.content !== '') out.push(entry.content);
  }
  return `${out.join('\n')}\n`;
}
