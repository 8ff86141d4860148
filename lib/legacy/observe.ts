// Looking at a legacy worker (or a registered session by the same commands): capture its pane and record the
// capture, report its status and freshness, list the worker folders, read its events.jsonl, write its status.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ageSeconds, isoSeconds } from '../clock.js';
import { ConveyorError, NotFoundError, UsageError } from '../errors.js';
import { findSession, type SessionRow } from '../sessions/sessions.js';
import { stableJson } from '../store/json.js';
import { newId } from '../store/ids.js';
import type { Db } from '../store/open.js';
import { appendTelemetry } from '../telemetry/telemetry.js';
import { classifyBusyWait } from '../tmux/classify.js';
import type { Tmux } from '../tmux/tmux.js';
import { StateFiles, readJsonFile } from './state-files.js';

export const WORKER_STATES = ['planning', 'editing', 'running_tests', 'blocked', 'waiting', 'done', 'unknown'] as const;
export type WorkerState = (typeof WORKER_STATES)[number];

export type Subject =
  | { kind: 'legacy'; name: string; config: Record<string, unknown>; tmuxSession: string }
  | { kind: 'session'; name: string; session: SessionRow; tmuxSession: string | null };

/** A legacy worker (its config.json), else a registered session of that name; neither is an error (exit 2). */
export function lookupSubject(db: Db, files: StateFiles, name: string): Subject {
  const config = files.config(name);
  if (config)
    return {
      kind: 'legacy',
      name,
      config,
      tmuxSession: typeof config.tmux_session === 'string' ? config.tmux_session : `codex-${name}`,
    };
  const session = findSession(db, name);
  if (!session) throw new NotFoundError('worker', name, `Unknown worker or session: ${name}`);
  return { kind: 'session', name, session, tmuxSession: session.tmux_session };
}

function requireTarget(subject: Subject): string {
  if (subject.tmuxSession) return subject.tmuxSession;
  throw new ConveyorError(
    `session ${JSON.stringify(subject.name)} has no tmux_session; it was probably registered outside tmux`,
  );
}

/** Line count as Python's splitlines: 0 for '', else the breaks, plus one unless the text ends with a break. */
export function lineCount(text: string): number {
  if (text === '') return 0;
  const breaks = text.match(/\r\n|\r|\n/g)?.length ?? 0;
  return /(\r\n|\r|\n)$/.test(text) ? breaks : breaks + 1;
}

export interface CaptureResult {
  byte_count: number;
  content_redacted: boolean;
  history_lines: number;
  line_count: number;
  name: string;
  sha256: string;
  transcript_path: string;
}

/** Capture a pane, refresh capture-meta.json and transcript.txt, and record the capture (workers row, telemetry). */
export function captureSubject(
  db: Db,
  tmux: Tmux,
  files: StateFiles,
  subject: Subject,
  lines: number,
  now: Date,
): { result: CaptureResult; text: string } {
  const target = requireTarget(subject);
  if (!tmux.running(target))
    throw new ConveyorError(`tmux session ${JSON.stringify(target)} of ${subject.name} is not running`);
  const text = tmux.capture(target, lines);
  const sha256 = createHash('sha256').update(text).digest('hex');
  const at = isoSeconds(now);
  const previous = files.readJson(subject.name, 'capture-meta.json');
  const changed = previous?.sha256 !== sha256;
  const changedAt = changed ? at : typeof previous?.changed_at === 'string' ? previous.changed_at : at;
  files.writeJson(subject.name, 'capture-meta.json', {
    captured_at: at,
    changed_at: changedAt,
    history_lines: lines,
    sha256,
  });
  files.writeText(subject.name, 'transcript.txt', text === '' ? '' : `${text}\n`);
  const paneId =
    subject.kind === 'legacy' && typeof subject.config.tmux_pane_id === 'string'
      ? subject.config.tmux_pane_id
      : (() => {
          const pane = tmux.paneValue(target, '#{pane_id}');
          return 'value' in pane ? pane.value : null;
        })();
  const byteCount = Buffer.byteLength(text, 'utf8');
  const count = lineCount(text);
  db.transaction(() => {
    const workerId = upsertWorkerForCapture(db, subject, target, paneId, at);
    const captureId = Number(
      db
        .prepare(
          `insert into transcript_captures(worker_id, sha256, content, captured_at, changed_at, history_lines, byte_count, line_count, capture_kind, retention_class)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'hot')`,
        )
        .run(
          workerId,
          sha256,
          changed ? text : null,
          at,
          changedAt,
          lines,
          byteCount,
          count,
          changed ? 'changed' : 'metadata_only',
        ).lastInsertRowid,
    );
    appendTelemetry(db, {
      taskId: null,
      timestamp: at,
      actor: 'workerctl',
      eventType: 'transcript_capture_recorded',
      summary: 'Recorded a pane capture.',
      correlation: { capture_id: captureId, worker_id: workerId },
      attributes: { byte_count: byteCount, changed, history_lines: lines, line_count: count, retention_class: 'hot' },
    });
  }).immediate();
  return {
    text,
    result: {
      byte_count: byteCount,
      content_redacted: true,
      history_lines: lines,
      line_count: count,
      name: subject.name,
      sha256,
      transcript_path: files.path(subject.name, 'transcript.txt'),
    },
  };
}

function upsertWorkerForCapture(db: Db, subject: Subject, target: string, paneId: string | null, at: string): string {
  const existing = db.prepare<[string], { id: string }>('select id from workers where name = ?').get(subject.name);
  if (existing) {
    db.prepare(
      `update workers set state = 'active', tmux_pane_id = coalesce(?, tmux_pane_id), updated_at = ?, last_seen_at = ? where id = ?`,
    ).run(paneId, at, at, existing.id);
    return existing.id;
  }
  const id =
    subject.kind === 'legacy' && typeof subject.config.worker_id === 'string'
      ? subject.config.worker_id
      : `worker-${newId('session').slice('session-'.length)}`;
  const token =
    subject.kind === 'session'
      ? subject.session.identity_token
      : String(subject.config.identity_token ?? `workerctl-${id}`);
  const cwd = subject.kind === 'session' ? (subject.session.cwd ?? '') : String(subject.config.cwd ?? '');
  db.prepare(
    `insert into workers(id, name, tmux_session, tmux_pane_id, identity_token, cwd, state, created_at, updated_at, last_seen_at)
     values (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?)`,
  ).run(id, subject.name, target, paneId, token, cwd, at, at, at);
  return id;
}

export interface StatusView {
  blocker: string | null;
  current_task: string | null;
  last_update: string | null;
  next_action: string | null;
  state: string | null;
}

/** The newest status of a name: its newest statuses row, else status.json, else nothing. */
export function latestStatus(db: Db, files: StateFiles, name: string): Partial<StatusView> {
  try {
    const row = db
      .prepare<
        [string],
        {
          state: string;
          current_task: string | null;
          next_action: string | null;
          blocker: string | null;
          created_at: string;
        }
      >(
        `select s.state, s.current_task, s.next_action, s.blocker, s.created_at from statuses s join workers w on w.id = s.worker_id
          where w.name = ? order by s.id desc limit 1`,
      )
      .get(name);
    if (row)
      return {
        blocker: row.blocker,
        current_task: row.current_task,
        last_update: row.created_at,
        next_action: row.next_action,
        state: row.state,
      };
  } catch {
    // fall through to the file, as 0.1.12 does on any database problem
  }
  try {
    return (files.readJson(name, 'status.json') ?? {}) as Partial<StatusView>;
  } catch {
    return {};
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export interface StatusReport {
  blocker: string | null;
  current_task: string | null;
  name: string;
  next_action: string | null;
  running: boolean;
  startup: string | null;
  startup_reason: string | null;
  startup_recommended_action: string | null;
  state: string;
  status_last_update: string | null;
  terminal_capture_error: string | null;
  terminal_captured_at: string | null;
  terminal_changed_at: string | null;
  tmux_session: string | null;
}

export function statusOf(
  db: Db,
  tmux: Tmux,
  files: StateFiles,
  name: string,
  options: { lines: number; refresh: boolean },
  now: Date,
): StatusReport {
  const subject = lookupSubject(db, files, name);
  const status = latestStatus(db, files, name);
  let running = false;
  let captureError: string | null = null;
  try {
    running = tmux.running(requireTarget(subject));
  } catch (error) {
    captureError = error instanceof Error ? error.message : String(error);
  }
  if (running && options.refresh) {
    try {
      captureSubject(db, tmux, files, subject, options.lines, now);
    } catch (error) {
      captureError = error instanceof Error ? error.message : String(error);
    }
  }
  const meta = files.readJson(name, 'capture-meta.json');
  if (!options.refresh && captureError === null) captureError = stringOrNull(meta?.error);
  const config = subject.kind === 'legacy' ? subject.config : null;
  const state =
    typeof status.state === 'string' && (WORKER_STATES as readonly string[]).includes(status.state)
      ? status.state
      : 'unknown';
  return {
    blocker: status.blocker ?? null,
    current_task: status.current_task ?? null,
    name,
    next_action: status.next_action ?? null,
    running,
    startup: stringOrNull(config?.startup),
    startup_reason: stringOrNull(config?.startup_reason),
    startup_recommended_action: stringOrNull(config?.startup_recommended_action),
    state,
    status_last_update: status.last_update ?? null,
    terminal_capture_error: captureError,
    terminal_captured_at: stringOrNull(meta?.captured_at),
    terminal_changed_at: stringOrNull(meta?.changed_at),
    tmux_session: subject.tmuxSession,
  };
}

export interface IdleThresholds {
  busyWaitSeconds: number;
  statusStaleSeconds: number;
  terminalStaleSeconds: number;
}

export function idleCheck(
  db: Db,
  tmux: Tmux,
  files: StateFiles,
  name: string,
  options: { lines: number; refresh: boolean } & IdleThresholds,
  now: Date,
) {
  const status = statusOf(db, tmux, files, name, options, now);
  let paneText = '';
  let terminalFresh = status.terminal_capture_error === null;
  if (status.running && status.tmux_session) {
    try {
      paneText = tmux.capture(status.tmux_session, options.lines);
    } catch {
      terminalFresh = false;
      const transcript = join(files.dir(name), 'transcript.txt');
      paneText = existsSync(transcript) ? readFileSync(transcript, 'utf8') : '';
    }
  }
  const statusAge = ageSeconds(status.status_last_update, now);
  const terminalAge = ageSeconds(status.terminal_changed_at, now);
  const statusStale = statusAge === null || statusAge >= options.statusStaleSeconds;
  const terminalStale = terminalAge === null || terminalAge >= options.terminalStaleSeconds;
  const busy = status.running ? classifyBusyWait(paneText, statusAge, options.busyWaitSeconds) : null;
  const verdict = ((): [string, string, string] => {
    if (!status.running) return ['stopped', 'none', 'the tmux session is not running'];
    if (status.state === 'blocked') return ['blocked', 'read_blocker', 'the worker reports itself blocked'];
    if (status.state === 'done') return ['done', 'review_result', 'the worker reports itself done'];
    if (status.terminal_capture_error !== null) return ['unknown', 'inspect_terminal', status.terminal_capture_error];
    if (busy) return ['busy_wait', busy.recommended_action, busy.reason];
    if (statusStale && terminalStale)
      return ['stale', 'ask_for_status', 'neither the terminal nor the status changed recently'];
    if (terminalStale) return ['quiet', 'wait', 'the status is fresh but the terminal has been quiet'];
    if (statusStale) return ['status_stale', 'wait', 'the terminal changed recently but the status is stale'];
    return ['active', 'none', 'the terminal and the status are both fresh'];
  })();
  return {
    blocker: status.blocker,
    busy_wait_pattern: busy?.pattern ?? null,
    busy_wait_seconds: options.busyWaitSeconds,
    capture_error: status.terminal_capture_error,
    current_task: status.current_task,
    health: verdict[0],
    name,
    next_action: status.next_action,
    reason: verdict[2],
    recommended_action: verdict[1],
    running: status.running,
    state: status.state,
    status_age_seconds: statusAge,
    status_last_update: status.status_last_update,
    status_stale_seconds: options.statusStaleSeconds,
    terminal_age_seconds: terminalAge,
    terminal_changed_at: status.terminal_changed_at,
    terminal_fresh: terminalFresh,
    terminal_stale_seconds: options.terminalStaleSeconds,
    tmux_session: status.tmux_session,
  };
}

export interface ListEntry {
  current_task: string;
  name: string;
  running: boolean;
  state: string;
  status: 'running' | 'stopped';
  terminal_error?: string;
}

/** Every folder of the state root, by name, with its newest status and whether codex-<name> runs. */
export function listWorkers(db: Db | null, tmux: Tmux, files: StateFiles): ListEntry[] {
  if (!existsSync(files.root)) return [];
  const entries: ListEntry[] = [];
  for (const entry of readdirSync(files.root).sort()) {
    const dir = join(files.root, entry);
    if (!statSync(dir).isDirectory()) continue;
    const config = readJsonFile(join(dir, 'config.json'));
    const name = typeof config?.name === 'string' ? config.name : entry;
    let status: Partial<StatusView> = {};
    try {
      status = db
        ? latestStatus(db, files, name)
        : ((readJsonFile(join(dir, 'status.json')) ?? {}) as Partial<StatusView>);
    } catch {
      status = {};
    }
    let running = false;
    let terminalError: string | undefined;
    try {
      running = tmux.running(`codex-${name}`);
    } catch (error) {
      terminalError = error instanceof Error ? error.message : String(error);
    }
    entries.push({
      current_task: status.current_task ?? '',
      name,
      running,
      state: status.state ?? 'unknown',
      status: running ? 'running' : 'stopped',
      ...(terminalError ? { terminal_error: terminalError } : {}),
    });
  }
  return entries;
}

/** events.jsonl of a legacy worker or registered session; `limit` keeps the last N (0: all). */
export function readWorkerEvents(db: Db, files: StateFiles, name: string, options: { type?: string; limit: number }) {
  lookupSubject(db, files, name);
  const { events, skipped } = files.readEvents(name);
  let kept = options.type === undefined ? events : events.filter((e) => e.type === options.type);
  if (options.limit > 0) kept = kept.slice(-options.limit);
  return { events: kept, skipped };
}

export interface StatusUpdate {
  name: string;
  state: WorkerState;
  currentTask: string;
  nextAction: string;
  blocker: string | null;
}

/** A legacy worker's new status: workers + statuses rows and a status_updated event, then status.json and the log. */
export function updateStatus(db: Db, files: StateFiles, input: StatusUpdate, now: Date): StatusView {
  const config = files.config(input.name);
  if (!config) throw new NotFoundError('worker', input.name, `Unknown worker: ${input.name}`);
  const at = isoSeconds(now);
  const payload = {
    blocker: input.blocker,
    current_task: input.currentTask,
    next_action: input.nextAction,
    state: input.state,
  };
  db.transaction(() => {
    const workerId = upsertLegacyWorker(db, input.name, config, 'active', at);
    db.prepare(
      'insert into statuses(worker_id, state, current_task, next_action, blocker, created_at) values (?, ?, ?, ?, ?, ?)',
    ).run(workerId, input.state, input.currentTask, input.nextAction, input.blocker, at);
    appendEventRow(db, 'status_updated', workerId, payload, at);
  }).immediate();
  const view: StatusView = { ...payload, last_update: at };
  files.writeJson(input.name, 'status.json', view);
  files.appendEvent(input.name, 'status_updated', payload, now);
  return view;
}

/** The events row of a legacy worker (appendEvent leaves worker_id null, and events rows cannot be updated). */
export function appendEventRow(
  db: Db,
  type: string,
  workerId: string,
  payload: Record<string, unknown>,
  at: string,
): void {
  db.prepare(
    `insert into events(created_at, actor, command_id, correlation_id, task_id, worker_id, manager_id, type, payload_json)
     values (?, 'workerctl', null, null, null, ?, null, ?, ?)`,
  ).run(at, workerId, type, stableJson(payload));
}

/** Insert or refresh the workers row of a legacy worker from its config. */
export function upsertLegacyWorker(
  db: Db,
  name: string,
  config: Record<string, unknown>,
  state: 'candidate' | 'active' | 'stopped',
  at: string,
): string {
  const existing = db.prepare<[string], { id: string }>('select id from workers where name = ?').get(name);
  if (existing) {
    db.prepare('update workers set state = ?, updated_at = ? where id = ?').run(state, at, existing.id);
    return existing.id;
  }
  const id =
    typeof config.worker_id === 'string' ? config.worker_id : `worker-${newId('session').slice('session-'.length)}`;
  db.prepare(
    `insert into workers(id, name, tmux_session, tmux_pane_id, identity_token, cwd, state, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    id,
    name,
    String(config.tmux_session ?? `codex-${name}`),
    config.tmux_pane_id ?? null,
    String(config.identity_token ?? `workerctl-${id}`),
    String(config.cwd ?? ''),
    state,
    at,
    at,
  );
  return id;
}

export function checkState(value: string | undefined): WorkerState {
  if (value === undefined) throw new UsageError('update-status needs --state');
  if (!(WORKER_STATES as readonly string[]).includes(value))
    throw new UsageError(`--state must be one of ${WORKER_STATES.join(', ')}, got ${JSON.stringify(value)}`);
  return value as WorkerState;
}
