// The tmux half of `transcript-capture`: capture one role's pane, record it as a terminal capture (with the
// classifiers' verdict) and, per mode, a transcript segment of what is new since that role's previous capture.
// The lookup of the pane (legacy worker/manager, else the binding's session) lives with the command's other half
// (lib/maintenance/transcripts.ts); this function receives the target and is passed to it as its capturer.
import { createHash } from 'node:crypto';
import { isoMillis } from '../clock.js';
import { ConveyorError } from '../errors.js';
import { appendEvent } from '../store/events.js';
import { stableJson } from '../store/json.js';
import type { Db } from '../store/open.js';
import type { TaskRow } from '../tasks/tasks.js';
import { appendTelemetry } from '../telemetry/telemetry.js';
import { classifyBusyWait, classifyStartup } from './classify.js';
import type { Tmux } from './tmux.js';

export interface PaneTarget {
  role: 'worker' | 'manager';
  task: TaskRow;
  kind: 'legacy' | 'session';
  bindingId: string | null;
  name: string;
  tmuxSession: string;
  tmuxPaneId: string | null;
}

export interface PaneCaptureRequest {
  mode: string;
  lines: number;
  includeContent: boolean;
}

const SEGMENT_KINDS: Readonly<Record<string, string>> = {
  metadata: 'metadata',
  excerpt: 'excerpt',
  snapshot: 'snapshot',
  segment: 'segment',
  full: 'snapshot',
};
const EXCERPT_LINES = 40;

function splitLines(text: string): string[] {
  return text === '' ? [] : text.split(/\r\n|\r|\n/);
}

/** The lines of `current` that follow what `previous` already showed (the pane scrolls, so overlap is searched). */
export function newLines(previous: string[], current: string[]): { lines: string[]; start: number; reset: boolean } {
  const max = Math.min(previous.length, current.length);
  for (let k = max; k > 0; k--) {
    let same = true;
    for (let i = 0; i < k && same; i++) same = previous[previous.length - k + i] === current[i];
    if (same) return { lines: current.slice(k), start: k, reset: false };
  }
  return { lines: current, start: 0, reset: previous.length > 0 };
}

export function tmuxTranscriptCapturer(tmux: Tmux) {
  return (db: Db, target: PaneTarget, request: PaneCaptureRequest, now: Date): Record<string, unknown> => {
    const kind = SEGMENT_KINDS[request.mode];
    if (!kind)
      throw new ConveyorError(
        `unknown transcript mode ${request.mode}; use metadata, excerpt, snapshot, segment or full`,
      );
    if (!tmux.running(target.tmuxSession))
      throw new ConveyorError(`Session identity verification failed for ${target.name}: tmux_session_not_running`);
    const paneTarget = target.tmuxPaneId ? `${target.tmuxSession}:${target.tmuxPaneId}` : target.tmuxSession;
    const text = tmux.capture(paneTarget, request.lines);
    const sha = createHash('sha256').update(text).digest('hex');
    const lines = splitLines(text);
    const startup = classifyStartup(text);
    const classifier = {
      busy_wait: classifyBusyWait(text, null, 90),
      startup: startup.startup,
      startup_reason: startup.reason,
    };
    const at = isoMillis(now);
    const taskId = target.task.id;
    return db
      .transaction(() => {
        const previous = db
          .prepare<[string, string], { id: number; content: string | null; content_sha256: string }>(
            'select id, content, content_sha256 from terminal_captures where task_id = ? and role = ? order by id desc limit 1',
          )
          .get(taskId, target.role);
        const captureId = Number(
          db
            .prepare(
              `insert into terminal_captures(task_id, worker_id, manager_id, role, tmux_session, tmux_pane_id, command_id, captured_at, history_lines,
               content_sha256, content, content_path, byte_count, line_count, classifier_json, source)
             values (?, null, null, ?, ?, ?, null, ?, ?, ?, ?, null, ?, ?, ?, 'transcript_capture')`,
            )
            .run(
              taskId,
              target.role,
              target.tmuxSession,
              target.tmuxPaneId,
              at,
              request.lines,
              sha,
              text,
              Buffer.byteLength(text),
              lines.length,
              stableJson(classifier),
            ).lastInsertRowid,
        );
        appendTelemetry(db, {
          taskId,
          timestamp: at,
          actor: 'workerctl',
          eventType: 'terminal_capture_recorded',
          summary: `Captured the ${target.role} pane of ${target.task.name}.`,
          correlation: { binding_id: target.bindingId, capture_id: captureId, role: target.role },
          attributes: {
            byte_count: Buffer.byteLength(text),
            history_lines: request.lines,
            line_count: lines.length,
            source: 'transcript_capture',
          },
        });
        let segment: Record<string, unknown> | null = null;
        if (previous?.content_sha256 !== sha) {
          const delta = newLines(splitLines(previous?.content ?? ''), lines);
          const chosen =
            kind === 'metadata'
              ? { text: null, start: null, end: null, kind: 'metadata' }
              : kind === 'excerpt'
                ? {
                    text: lines.slice(-EXCERPT_LINES).join('\n'),
                    start: Math.max(0, lines.length - EXCERPT_LINES),
                    end: lines.length,
                    kind: 'excerpt',
                  }
                : kind === 'snapshot'
                  ? { text, start: 0, end: lines.length, kind: 'snapshot' }
                  : {
                      text: delta.lines.join('\n'),
                      start: delta.start,
                      end: lines.length,
                      kind: delta.reset ? 'reset' : 'segment',
                    };
          if (chosen.text === null || chosen.text !== '') {
            const body = chosen.text ?? '';
            const segmentId = Number(
              db
                .prepare(
                  `insert into transcript_segments(task_id, role, source_capture_id, previous_capture_id, captured_at, content_sha256, segment_text,
                   segment_start_line, segment_end_line, byte_count, line_count, retention_class, segment_kind, redacted, created_at)
                 values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'hot', ?, 0, ?)`,
                )
                .run(
                  taskId,
                  target.role,
                  captureId,
                  previous?.id ?? null,
                  at,
                  createHash('sha256').update(body).digest('hex'),
                  chosen.text,
                  chosen.start,
                  chosen.end,
                  Buffer.byteLength(body),
                  splitLines(body).length,
                  chosen.kind,
                  at,
                ).lastInsertRowid,
            );
            segment = {
              byte_count: Buffer.byteLength(body),
              id: segmentId,
              line_count: splitLines(body).length,
              segment_kind: chosen.kind,
              ...(request.includeContent ? { segment_text: chosen.text } : {}),
            };
            appendTelemetry(db, {
              taskId,
              timestamp: at,
              actor: 'workerctl',
              eventType: 'transcript_segment_recorded',
              summary: `Recorded a ${chosen.kind} transcript segment of the ${target.role} pane.`,
              correlation: { capture_id: captureId, role: target.role, segment_id: segmentId },
              attributes: { byte_count: segment.byte_count, line_count: segment.line_count, segment_kind: chosen.kind },
            });
          }
        }
        appendEvent(db, {
          createdAt: at,
          type: `${target.role}_terminal_captured`,
          taskId,
          payload: {
            capture_id: captureId,
            content_sha256: sha,
            history_lines: request.lines,
            source: 'transcript_capture',
          },
        });
        const observationId = Number(
          db
            .prepare(
              `insert into agent_observations(task_id, worker_id, manager_id, role, observation_type, severity, source_capture_id, command_id, created_at, message, payload_json)
             values (?, null, null, ?, 'capture', 'info', ?, null, ?, ?, ?)`,
            )
            .run(
              taskId,
              target.role,
              captureId,
              at,
              `Captured the ${target.role} pane.`,
              stableJson({ capture_id: captureId, startup: startup.startup }),
            ).lastInsertRowid,
        );
        if (target.kind === 'legacy' && target.role === 'manager')
          db.prepare('update managers set last_seen_at = ? where name = ?').run(at, target.name);
        return {
          binding_id: target.bindingId,
          capture: {
            classifier,
            content_sha256: sha,
            history_lines: request.lines,
            id: captureId,
            line_count: lines.length,
            output: request.includeContent ? text : null,
            source: 'transcript_capture',
          },
          observation_id: observationId,
          role: target.role,
          task: target.task.name,
          transcript_segment: segment,
          [target.role]: {
            kind: target.kind,
            name: target.name,
            tmux_pane_id: target.tmuxPaneId,
            tmux_session: target.tmuxSession,
          },
        };
      })
      .immediate();
  };
}
