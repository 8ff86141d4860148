// Stored transcript segments of a task: show them (text redacted unless asked for), prune old text while keeping
// the metadata, and the part of transcript-capture that runs without tmux (finding what to capture for each role).
// The tmux capture itself is a TranscriptCapturer the tmux layer provides.
import { isoMillis } from '../clock.js';
import { ConflictError, UsageError } from '../errors.js';
import { presentRow, redactColumn, type Row } from '../audit/task-audit.js';
import { appendEvent } from '../store/events.js';
import type { Db } from '../store/open.js';
import { findTask, requireTask, type TaskRow } from '../tasks/tasks.js';

export type TranscriptRole = 'all' | 'worker' | 'manager';

export interface TranscriptShowOptions {
  role?: TranscriptRole;
  /** The newest N segments (by id), printed oldest first; 0 or absent shows all (0.1.12's --limit 0). */
  limit?: number;
  includeContent?: boolean;
}

export interface TranscriptShow {
  segments: Row[];
  task: { id: string; name: string; state: string };
}

export function transcriptShow(db: Db, taskArg: string, options: TranscriptShowOptions = {}): TranscriptShow {
  return db.transaction(() => {
    const task = requireTask(db, taskArg);
    const role = options.role ?? 'all';
    const params: unknown[] = [task.id];
    let sql = 'select * from transcript_segments where task_id = ?';
    if (role !== 'all') {
      sql += ' and role = ?';
      params.push(role);
    }
    if (options.limit) {
      sql = `select * from (${sql} order by id desc limit ?) order by id`;
      params.push(options.limit);
    } else sql += ' order by id';
    const segments = db
      .prepare<unknown[], Row>(sql)
      .all(...params)
      .map((r) => {
        const row = presentRow(r, ['redacted']);
        return options.includeContent ? row : redactColumn(row, 'segment_text');
      });
    return {
      segments,
      task: { id: task.id, name: task.name, state: task.state },
    };
  })();
}

function clockOf(timestamp: unknown): string {
  const text = String(timestamp ?? '');
  const at = text.indexOf('T');
  return (at === -1 ? text : text.slice(at + 1)).replace(/Z$/, '');
}

export function transcriptShowText(show: TranscriptShow, includeContent: boolean): string {
  const out: string[] = [];
  for (const s of show.segments) {
    out.push(
      `--- ${String(s.role)} transcript segment ${String(s.id)} ${clockOf(s.captured_at)} (${String(s.segment_kind)}) ---`,
    );
    const text = s.segment_text;
    if (includeContent && typeof text === 'string' && text !== '') out.push(text);
    else if (!includeContent && s.segment_text_redacted === true && Number(s.segment_text_byte_count) > 0) {
      out.push(
        `[content redacted: ${String(s.segment_text_line_count)} lines, ${String(s.segment_text_byte_count)} bytes]`,
      );
    } else out.push('[metadata only]');
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

export interface TranscriptPruneResult {
  dry_run: boolean;
  keep_latest: number;
  pruned_count: number;
  would_prune_count: number;
}

/**
 * Drops the text of all but the newest `keepLatest` text-bearing segments of each role (0 or a negative number
 * drops all of them, as in 0.1.12); the rows stay as cold metadata. One transaction, one event.
 */
export function transcriptPrune(
  db: Db,
  taskArg: string,
  input: { keepLatest: number; dryRun?: boolean },
  now: Date,
): TranscriptPruneResult {
  return db
    .transaction((): TranscriptPruneResult => {
      const task = requireTask(db, taskArg);
      const candidates = db
        .prepare<[string], { id: number; role: string }>(
          'select id, role from transcript_segments where task_id = ? and segment_text is not null order by role, id desc',
        )
        .all(task.id);
      const kept = new Map<string, number>();
      const selected: number[] = [];
      for (const c of candidates) {
        const seen = kept.get(c.role) ?? 0;
        kept.set(c.role, seen + 1);
        if (input.keepLatest <= 0 || seen >= input.keepLatest) selected.push(c.id);
      }
      const dryRun = input.dryRun ?? false;
      if (!dryRun && selected.length > 0) {
        const prune = db.prepare(
          `update transcript_segments set segment_text = null, retention_class = 'cold', segment_kind = 'metadata' where id = ?`,
        );
        for (const id of selected) prune.run(id);
        appendEvent(db, {
          createdAt: isoMillis(now),
          type: 'transcript_segments_pruned',
          taskId: task.id,
          payload: { keep_latest: input.keepLatest, segment_ids: selected },
        });
      }
      return {
        dry_run: dryRun,
        keep_latest: input.keepLatest,
        pruned_count: dryRun ? 0 : selected.length,
        would_prune_count: selected.length,
      };
    })
    .immediate();
}

/** Where a role's pane is: a legacy worker/manager row, or the session of the task's binding. */
export interface CaptureTarget {
  role: 'worker' | 'manager';
  task: TaskRow;
  kind: 'legacy' | 'session';
  bindingId: string | null;
  name: string;
  tmuxSession: string;
  tmuxPaneId: string | null;
}

export interface CaptureRequest {
  mode: string;
  lines: number;
  includeContent: boolean;
}

/** Captures one pane and records it; supplied by the tmux layer. Without one, a found target is an error. */
export type TranscriptCapturer = (db: Db, target: CaptureTarget, request: CaptureRequest, now: Date) => Row;

export interface TranscriptCaptureResult {
  captures: Row[];
  mode: string;
  role: TranscriptRole;
  task: string;
}

interface BindingSessions {
  id: string;
  worker_id: string | null;
  worker_session_id: string | null;
  manager_session_id: string | null;
}

function captureTarget(db: Db, task: TaskRow, role: 'worker' | 'manager'): CaptureTarget {
  if (role === 'worker') {
    const legacy = db
      .prepare<
        [string],
        {
          binding_id: string;
          name: string;
          tmux_session: string;
          tmux_pane_id: string | null;
        }
      >(
        `select b.id as binding_id, w.name, w.tmux_session, w.tmux_pane_id from bindings b join workers w on w.id = b.worker_id
          where b.task_id = ? and w.tmux_session is not null
          order by case when b.state in ('active', 'ending') then 0 else 1 end, b.created_at desc limit 1`,
      )
      .get(task.id);
    if (legacy)
      return {
        role,
        task,
        kind: 'legacy',
        bindingId: legacy.binding_id,
        name: legacy.name,
        tmuxSession: legacy.tmux_session,
        tmuxPaneId: legacy.tmux_pane_id,
      };
  } else {
    const legacy = db
      .prepare<[string], { name: string; tmux_session: string; tmux_pane_id: string | null }>(
        `select name, tmux_session, tmux_pane_id from managers where task_id = ? and state in ('starting', 'ready', 'stopping')
          order by started_at desc limit 1`,
      )
      .get(task.id);
    if (legacy)
      return {
        role,
        task,
        kind: 'legacy',
        bindingId: null,
        name: legacy.name,
        tmuxSession: legacy.tmux_session,
        tmuxPaneId: legacy.tmux_pane_id,
      };
  }
  // Live bindings first, then ended ones, so a finished task can still be captured.
  const binding = db
    .prepare<[string], BindingSessions>(
      `select id, worker_id, worker_session_id, manager_session_id from bindings
        where task_id = ? and worker_session_id is not null and manager_session_id is not null
        order by case when state in ('active', 'ending') then 0 else 1 end, created_at desc limit 1`,
    )
    .get(task.id);
  if (!binding)
    throw new ConflictError(`${role} transcript capture needs a session-bound binding for task ${task.name}`);
  const sessionId = role === 'worker' ? binding.worker_session_id : binding.manager_session_id;
  const session = db
    .prepare<[string], { name: string; tmux_session: string | null; tmux_pane_id: string | null }>(
      'select name, tmux_session, tmux_pane_id from sessions where id = ?',
    )
    .get(sessionId ?? '');
  if (!session)
    throw new ConflictError(`${role} transcript capture needs a session-bound binding for task ${task.name}`);
  if (!session.tmux_session)
    throw new ConflictError(`Session identity verification failed for ${session.name}: tmux_session_missing`);
  return {
    role,
    task,
    kind: 'session',
    bindingId: binding.id,
    name: session.name,
    tmuxSession: session.tmux_session,
    tmuxPaneId: session.tmux_pane_id,
  };
}

export interface TranscriptCaptureInput extends CaptureRequest {
  task: string;
  role: TranscriptRole;
  requireSegment?: boolean;
}

/**
 * Captures each asked role. With --role all a role's failure is reported in its entry and the others go on;
 * with one role the failure is the command's error. --require-segment fails unless every role recorded a new,
 * non-empty segment.
 */
export function transcriptCapture(
  db: Db,
  input: TranscriptCaptureInput,
  now: Date,
  capturer?: TranscriptCapturer,
): TranscriptCaptureResult {
  const roles: Array<'worker' | 'manager'> = input.role === 'all' ? ['worker', 'manager'] : [input.role];
  const captures: Row[] = [];
  for (const role of roles) {
    try {
      const task = findTask(db, input.task);
      if (!task) throw new ConflictError(`Unknown task: ${input.task}`);
      const target = captureTarget(db, task, role);
      if (!capturer)
        throw new ConflictError(
          `tmux capture of ${target.name} (${target.tmuxSession}) is not available in this build`,
        );
      captures.push(capturer(db, target, input, now));
    } catch (error) {
      if (input.role !== 'all') throw error;
      captures.push({ error: (error as Error).message, role });
    }
  }
  if (input.requireSegment) {
    const missing = roles.filter((role, i) => {
      const segment = captures[i]?.transcript_segment as Row | null | undefined;
      return !segment || !(Number(segment.byte_count) > 0);
    });
    if (missing.length)
      throw new UsageError(`no non-empty transcript segment captured for role(s): ${missing.join(', ')}`);
  }
  return { captures, mode: input.mode, role: input.role, task: input.task };
}

export function transcriptCaptureText(result: TranscriptCaptureResult): string {
  const lines = result.captures.map((c) => {
    if (typeof c.error === 'string') return `${String(c.role)}: ${c.error}`;
    const capture = (c.capture ?? {}) as Row;
    const segment = c.transcript_segment as Row | null | undefined;
    const tail = segment
      ? `segment ${String(segment.id)} (${String(segment.segment_kind)}, ${String(segment.line_count)} lines)`
      : 'no new transcript segment recorded';
    return `${String(c.role)}: capture ${String(capture.id)}, ${tail}`;
  });
  return `${lines.join('\n')}\n`;
}
