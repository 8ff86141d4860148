// export-task: a task's audit bundle as files (task status, audit, criteria, prompts, captures, cycles,
// decisions, mutation audit, replay, telemetry and a markdown report; optionally transcript segments and
// per-role transcript text) plus a manifest, and optionally a zip of exactly those files. Everything is read in
// one snapshot and rendered in memory first; the files are written only after, and a failed archive write
// removes what this export wrote, so a bundle is never half there.
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isoMillis } from '../clock.js';
import { UsageError } from '../errors.js';
import { prettyJson } from '../store/json.js';
import type { Db } from '../store/open.js';
import { TELEMETRY_COLUMNS, toTelemetryEvent, type TelemetryRow } from '../telemetry/telemetry.js';
import { listTaskViews, requireTask, type TaskRow } from '../tasks/tasks.js';
import { mutationAuditOf } from './mutation-audit.js';
import { replayEntries } from './replay.js';
import { presentRow, readTaskAudit, redactColumn, type Row } from './task-audit.js';
import { zipArchive } from './zip-archive.js';

export interface ExportInput {
  task: string;
  /** The bundle folder; the caller resolves the default (<state root>/artifacts/tasks/<id>/export). */
  outputDir?: string;
  stateRoot: string;
  zip?: boolean;
  includeTranscripts?: boolean;
  includeFullTranscripts?: boolean;
}

export interface ExportResult {
  archive: string | null;
  export_dir: string;
  manifest: {
    created_at: string;
    files: string[];
    task: { id: string; name: string };
  };
  task: string;
}

const TELEMETRY_EXPORT_LIMIT = 10_000;

export interface ExportBundle {
  task: TaskRow;
  manifest: ExportResult['manifest'];
  /** The manifest's files in its order, then manifest.json: what the folder and the archive hold. */
  files: Array<{ name: string; data: Buffer }>;
}

/** The bundle rendered in memory from one snapshot; nothing is written. */
export function renderExportBundle(
  db: Db,
  input: Pick<ExportInput, 'task' | 'includeTranscripts' | 'includeFullTranscripts'>,
  now: Date,
): ExportBundle {
  const { task, files } = db.transaction(() => {
    const found = requireTask(db, input.task);
    return { task: found, files: renderBundle(db, found, input) };
  })();
  const manifest = {
    created_at: isoMillis(now),
    files: files.map((f) => f.name),
    task: { id: task.id, name: task.name },
  };
  return { task, manifest, files: [...files, { name: 'manifest.json', data: Buffer.from(prettyJson(manifest)) }] };
}

/** The bytes `export-task --zip` writes to DIR.zip, built in memory (the dashboard's download). */
export function exportArchive(bundle: ExportBundle): Buffer {
  return zipArchive(bundle.files);
}

export function exportTask(db: Db, input: ExportInput, now: Date): ExportResult {
  const { task, manifest, files } = renderExportBundle(db, input, now);
  const exportDir = input.outputDir ?? join(input.stateRoot, 'artifacts', 'tasks', task.id, 'export');
  const archive = input.zip ? `${exportDir}.zip` : null;
  if (archive && existsSync(archive) && statSync(archive).isDirectory())
    throw new UsageError(`cannot write the archive: ${archive} is a folder`);
  writeBundle(exportDir, files, archive);
  return { archive, export_dir: exportDir, manifest, task: task.name };
}

/**
 * Writes the files, then the archive. 0.1.12 leaves files of an earlier export in a reused folder (they are not
 * in the new manifest or archive); kept. On a failure the files this call created are removed again.
 */
function writeBundle(dir: string, files: ReadonlyArray<{ name: string; data: Buffer }>, archive: string | null): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`cannot export into ${dir}: it is a file`);
  const created: string[] = [];
  const dirExisted = existsSync(dir);
  try {
    for (const file of files) {
      const path = join(dir, file.name);
      mkdirSync(dirname(path), { recursive: true });
      if (!existsSync(path)) created.push(path);
      writeFileSync(path, file.data);
    }
    if (archive) writeFileSync(archive, zipArchive(files));
  } catch (error) {
    if (!dirExisted) rmSync(dir, { recursive: true, force: true });
    else for (const path of created) rmSync(path, { force: true });
    throw new UsageError(`export failed: ${(error as Error).message}`);
  }
}

function json(name: string, value: unknown) {
  return { name, data: Buffer.from(prettyJson(value)) };
}

function renderBundle(
  db: Db,
  task: TaskRow,
  input: Pick<ExportInput, 'includeTranscripts' | 'includeFullTranscripts'>,
): Array<{ name: string; data: Buffer }> {
  const audit = readTaskAudit(db, task, { includeContent: false });
  const full = readTaskAudit(db, task, { includeContent: true });
  const telemetry = db
    .prepare<[string, number], TelemetryRow>(
      `select ${TELEMETRY_COLUMNS} from telemetry_events where task_id = ? order by timestamp, rowid limit ?`,
    )
    .all(task.id, TELEMETRY_EXPORT_LIMIT)
    .map((r) => {
      const { seq: _seq, ...event } = toTelemetryEvent(r);
      return event;
    });
  const files = [
    json('task-status.json', taskStatus(db, task)),
    json('audit.json', audit),
    json('acceptance-criteria.json', audit.acceptance_criteria),
    json(
      'prompts.json',
      db
        .prepare<[string], Row>('select * from prompts where task_id = ? order by id')
        .all(task.id)
        .map((r) => presentRow(r)),
    ),
    json('transcript-captures.json', legacyCaptures(db, task.id)),
    json('terminal-captures.json', audit.terminal_captures),
    json('agent-observations.json', audit.agent_observations),
    json('manager-cycles.json', audit.manager_cycles),
    json('manager-cycle-spans.json', audit.manager_cycle_spans),
    json('manager-decisions.json', audit.manager_decisions),
    json('mutation-audit.json', mutationAuditOf(db, task)),
    json('replay.json', {
      entries: replayEntries(full, 'timeline', 'all'),
      mode: 'timeline',
      role: 'all',
      task,
    }),
    json('telemetry-events.json', telemetry),
    json('telemetry-summary.json', telemetrySummary(telemetry)),
    {
      name: 'telemetry-report.md',
      data: Buffer.from(telemetryReport(task, telemetry)),
    },
  ];
  // 0.1.12 quirk kept: the segments file carries the stored text that audit.json redacts (the flags opt in).
  if (input.includeTranscripts || input.includeFullTranscripts)
    files.push(json('transcript-segments.json', full.transcript_segments));
  if (input.includeFullTranscripts) {
    files.push(
      json('replay-full-transcript.json', {
        entries: replayEntries(full, 'full-transcript', 'all'),
        mode: 'full-transcript',
        role: 'all',
        task,
      }),
    );
    for (const role of ['worker', 'manager']) {
      files.push({
        name: `transcripts/${role}.txt`,
        data: Buffer.from(roleTranscript(full.transcript_segments, role)),
      });
    }
  }
  return files;
}

/** 0.1.12 quirk kept: only legacy workers/managers count, so a session-bound `managed` task reports two issues. */
function taskStatus(db: Db, task: TaskRow): Row {
  const budget = listTaskViews(db).find((t) => t.id === task.id)?.budget ?? null;
  const worker = db
    .prepare<[string], Row>(
      `select b.id as binding_id, b.state as binding_state, w.cwd, w.id, w.name, w.state, w.tmux_pane_id, w.tmux_session
         from bindings b join workers w on w.id = b.worker_id
        where b.task_id = ? and b.state in ('active', 'ending') order by b.created_at desc limit 1`,
    )
    .get(task.id);
  const workerStatus = worker
    ? db
        .prepare<[unknown], Row>(
          `select blocker, current_task, created_at as last_update, next_action, state from statuses where worker_id = ? order by created_at desc, id desc limit 1`,
        )
        .get(worker.id)
    : undefined;
  const managerRow = db
    .prepare<[string], Row>(
      `select codex_args_json, exit_detected_at, exit_reason, id, last_seen_at, name, started_at, state, stopped_at, task_id, tmux_pane_id, tmux_session
         from managers where task_id = ? and state in ('starting', 'ready', 'stopping') order by started_at desc limit 1`,
    )
    .get(task.id);
  const managerConfig = db.prepare<[string], Row>('select * from manager_configs where task_id = ?').get(task.id);
  const handoff = db
    .prepare<[string], Row>(
      'select created_at, id, next_steps_json, payload_json, summary, task_id, worker_session_id from worker_handoffs where task_id = ? order by created_at desc, id desc limit 1',
    )
    .get(task.id);
  const issues: string[] = [];
  if (task.state === 'managed' && !worker) issues.push('managed_without_active_worker_binding');
  if (task.state === 'managed' && !managerRow) issues.push('managed_without_active_manager');
  if (task.state === 'failed' && managerRow) issues.push('closed_task_has_active_manager');
  return {
    ...task,
    budget,
    integrity: { issues, ok: issues.length === 0 },
    manager: managerRow ? presentRow(managerRow) : null,
    manager_config: managerConfig ? presentRow(managerConfig, ['require_acks']) : null,
    worker: worker ?? null,
    worker_handoff: handoff ? presentRow(handoff) : null,
    worker_status: workerStatus ?? null,
  };
}

/** Legacy captures of the task's bound worker, inside each binding's window. */
function legacyCaptures(db: Db, taskId: string): Row[] {
  return db
    .prepare<[string], Row>(
      `select c.* from bindings b join transcript_captures c on c.worker_id = b.worker_id
        where b.task_id = ? and c.captured_at >= b.created_at and (b.ended_at is null or c.captured_at <= b.ended_at)
        order by c.id`,
    )
    .all(taskId)
    .map((r) => redactColumn(presentRow(r), 'content'));
}

function countBy(events: Row[], key: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) counts[String(e[key])] = (counts[String(e[key])] ?? 0) + 1;
  return counts;
}

function single(events: Row[], key: string): unknown {
  const values = new Set(events.map((e) => e[key]).filter((v) => v !== null && v !== undefined));
  return values.size === 1 ? [...values][0] : null;
}

function telemetrySummary(events: Row[]): Row {
  return {
    by_actor: countBy(events, 'actor'),
    by_event_type: countBy(events, 'event_type'),
    by_severity: countBy(events, 'severity'),
    first_timestamp: events[0]?.timestamp ?? null,
    last_timestamp: events.at(-1)?.timestamp ?? null,
    run_id: single(events, 'run_id'),
    task_id: single(events, 'task_id'),
    total: events.length,
  };
}

function telemetryReport(task: TaskRow, events: Row[]): string {
  const counts = countBy(events, 'event_type');
  const lines = [
    `# Telemetry report for ${task.name}`,
    '',
    `- Task: \`${task.id}\``,
    `- Total events: ${events.length}`,
    `- First event: ${String(events[0]?.timestamp ?? null)}`,
    `- Last event: ${String(events.at(-1)?.timestamp ?? null)}`,
    '',
    '## Event types',
    '',
    ...Object.keys(counts)
      .sort()
      .map((type) => `- \`${type}\`: ${counts[type]}`),
    '',
    '## Timeline',
    '',
    ...events.map(
      (e) =>
        `- ${String(e.timestamp)} \`${String(e.actor)}\` \`${String(e.event_type)}\` [${String(e.severity)}]: ${String(e.summary)}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

function roleTranscript(segments: Row[], role: string): string {
  const parts: string[] = [];
  for (const s of segments.filter((x) => x.role === role)) {
    parts.push(`--- ${role} segment ${String(s.id)} ${String(s.captured_at)} (${String(s.segment_kind)}) ---`);
    parts.push(typeof s.segment_text === 'string' && s.segment_text !== '' ? s.segment_text : '[metadata only]');
  }
  return parts.length ? `${parts.join('\n')}\n` : '';
}
