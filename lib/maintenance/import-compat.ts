// import-compat: bring the Python-era per-worker state folders (config.json, status.json, events.jsonl,
// transcript.txt, capture-meta.json) into the database. Every source file, and every event line, is recorded
// in data_migrations under its content hash, so a second run imports only what changed.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isoSeconds } from '../clock.js';
import { UsageError } from '../errors.js';
import { stableJson } from '../store/json.js';
import type { Db } from '../store/open.js';
import { appendTelemetry } from '../telemetry/telemetry.js';
import { lineCount } from '../audit/task-audit.js';

export interface CompatAction {
  action: 'upsert_worker' | 'insert_status' | 'insert_transcript_capture' | 'insert_event' | 'skip_invalid_event';
  source: string;
  worker?: string;
  line?: number;
}

export interface ImportCompatResult {
  apply: boolean;
  root: string;
  worker_count: number;
  workers: Array<{
    action_count: number;
    actions: CompatAction[];
    worker: string;
  }>;
}

const WORKER_STATES = ['candidate', 'active', 'stopped', 'missing', 'failed'];
const STATUS_STATES = ['planning', 'editing', 'running_tests', 'blocked', 'waiting', 'done', 'unknown'];

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

function readJsonFile(path: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`invalid JSON in ${path}: ${(error as Error).message}`);
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The worker folders under root: directories holding config.json, by name; one folder with --worker. */
function workerFolders(root: string, only: string | undefined): string[] {
  if (!existsSync(root)) return [];
  if (!statSync(root).isDirectory()) throw new UsageError(`import-compat root is not a folder: ${root}`);
  const names = only !== undefined ? [only] : readdirSync(root).sort();
  return names.filter((name) => {
    const dir = join(root, name);
    return existsSync(dir) && statSync(dir).isDirectory() && existsSync(join(dir, 'config.json'));
  });
}

/**
 * Plans (and with `apply` performs) the import. Each worker folder is one transaction, so a folder is imported
 * whole or not at all; as in 0.1.12 an invalid JSON file stops the command, after the folders before it.
 */
export function importCompat(
  db: Db,
  input: { root: string; worker?: string; apply?: boolean },
  now: Date,
): ImportCompatResult {
  const apply = input.apply ?? false;
  const root = input.root;
  const migrated = db.prepare<[string], { name: string }>('select name from data_migrations where name = ?');
  const done = (key: string) => migrated.get(key) !== undefined;
  const workers: ImportCompatResult['workers'] = [];
  for (const folder of workerFolders(root, input.worker)) {
    const dir = join(root, folder);
    const actions: CompatAction[] = [];
    const writes: Array<() => void> = [];
    const record = (key: string, path: string, hash: string) =>
      writes.push(() => {
        db.prepare(
          'insert or ignore into data_migrations(name, source_path, source_hash, applied_at) values (?, ?, ?, ?)',
        ).run(key, path, hash, isoSeconds(now));
      });
    const keyOf = (path: string, hash: string, line?: number) =>
      `compat:${relative(root, path)}${line === undefined ? '' : `:${line}`}:${hash}`;

    const configPath = join(dir, 'config.json');
    const configText = readFileSync(configPath);
    const config = readJsonFile(configPath);
    const statusPath = join(dir, 'status.json');
    const status = existsSync(statusPath) ? readJsonFile(statusPath) : undefined;
    const metaPath = join(dir, 'capture-meta.json');
    const meta = existsSync(metaPath) ? readJsonFile(metaPath) : {};
    const name = str(config.name) ?? folder;
    const workerId = () => db.prepare<[string], { id: string }>('select id from workers where name = ?').get(name)?.id;

    const configHash = sha256(configText);
    const configKey = keyOf(configPath, configHash);
    if (!done(configKey)) {
      actions.push({
        action: 'upsert_worker',
        source: configPath,
        worker: name,
      });
      writes.push(() => upsertWorker(db, name, config, now));
      record(configKey, configPath, configHash);
    }

    if (status !== undefined) {
      const hash = sha256(readFileSync(statusPath));
      const key = keyOf(statusPath, hash);
      if (!done(key)) {
        actions.push({
          action: 'insert_status',
          source: statusPath,
          worker: name,
        });
        writes.push(() => insertStatus(db, workerId() as string, status, now));
        record(key, statusPath, hash);
      }
    }

    const transcriptPath = join(dir, 'transcript.txt');
    if (existsSync(transcriptPath)) {
      const text = readFileSync(transcriptPath, 'utf8');
      const hash = sha256(text);
      const key = keyOf(transcriptPath, hash);
      if (text !== '' && !done(key)) {
        actions.push({
          action: 'insert_transcript_capture',
          source: transcriptPath,
          worker: name,
        });
        writes.push(() => insertCapture(db, workerId() as string, text, hash, meta, now));
        record(key, transcriptPath, hash);
      }
    }

    const eventsPath = join(dir, 'events.jsonl');
    if (existsSync(eventsPath)) {
      const lines = readFileSync(eventsPath, 'utf8').split(/\r?\n/);
      lines.forEach((line, index) => {
        if (line.trim() === '') return;
        const number = index + 1;
        const hash = sha256(line);
        const key = keyOf(eventsPath, hash, number);
        if (done(key)) return;
        let event: unknown;
        try {
          event = JSON.parse(line);
        } catch {
          actions.push({
            action: 'skip_invalid_event',
            line: number,
            source: eventsPath,
          });
          return;
        }
        actions.push({
          action: 'insert_event',
          line: number,
          source: eventsPath,
          worker: name,
        });
        writes.push(() => insertEvent(db, workerId() as string, event, eventsPath, now));
        record(key, eventsPath, hash);
      });
    }

    if (apply && writes.length) db.transaction(() => writes.forEach((write) => write())).immediate();
    workers.push({ action_count: actions.length, actions, worker: name });
  }
  return { apply, root, worker_count: workers.length, workers };
}

function upsertWorker(db: Db, name: string, config: Record<string, unknown>, now: Date): void {
  const at = isoSeconds(now);
  const state = typeof config.state === 'string' && WORKER_STATES.includes(config.state) ? config.state : 'candidate';
  const tmuxSession = str(config.tmux_session) ?? `codex-${name}`;
  const cwd = str(config.cwd) ?? '';
  const pane = str(config.tmux_pane_id);
  const existing = db.prepare<[string], { id: string }>('select id from workers where name = ?').get(name);
  if (existing) {
    db.prepare(
      `update workers set tmux_session = ?, tmux_pane_id = coalesce(?, tmux_pane_id), cwd = ?, state = ?, updated_at = ?,
              exit_detected_at = null, exit_reason = null where id = ?`,
    ).run(tmuxSession, pane, cwd, state, at, existing.id);
    return;
  }
  db.prepare(
    `insert into workers(id, name, tmux_session, tmux_pane_id, identity_token, cwd, state, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    `worker-${randomUUID()}`,
    name,
    tmuxSession,
    pane,
    str(config.identity_token) ?? `workerctl-${randomUUID()}`,
    cwd,
    state,
    at,
    at,
  );
}

function insertStatus(db: Db, workerId: string, status: Record<string, unknown>, now: Date): void {
  const state = typeof status.state === 'string' && STATUS_STATES.includes(status.state) ? status.state : 'unknown';
  const row = [
    workerId,
    state,
    str(status.current_task),
    str(status.next_action),
    str(status.blocker),
    str(status.last_update) ?? isoSeconds(now),
  ] as const;
  const same = db
    .prepare(
      `select 1 from statuses where worker_id = ? and state = ? and current_task is ? and next_action is ? and blocker is ? and created_at = ?`,
    )
    .get(...row);
  if (same) return;
  db.prepare(
    'insert into statuses(worker_id, state, current_task, next_action, blocker, created_at) values (?, ?, ?, ?, ?, ?)',
  ).run(...row);
}

function insertCapture(
  db: Db,
  workerId: string,
  text: string,
  hash: string,
  meta: Record<string, unknown>,
  now: Date,
): void {
  const capturedAt = str(meta.captured_at) ?? str(meta.changed_at) ?? isoSeconds(now);
  const changedAt = str(meta.changed_at) ?? capturedAt;
  const nonEmpty = text.split(/\r?\n/).filter((l) => l.trim() !== '').length;
  const historyLines = typeof meta.history_lines === 'number' ? meta.history_lines : Math.max(1, nonEmpty);
  const exists = db
    .prepare('select 1 from transcript_captures where worker_id = ? and sha256 = ? and captured_at = ?')
    .get(workerId, hash, capturedAt);
  if (exists) return;
  const bytes = Buffer.byteLength(text, 'utf8');
  const lines = lineCount(text);
  const id = Number(
    db
      .prepare(
        `insert into transcript_captures(worker_id, sha256, content, captured_at, changed_at, history_lines, byte_count, line_count, capture_kind, retention_class)
         values (?, ?, ?, ?, ?, ?, ?, ?, 'changed', 'hot')`,
      )
      .run(workerId, hash, text, capturedAt, changedAt, historyLines, bytes, lines).lastInsertRowid,
  );
  appendTelemetry(db, {
    taskId: null,
    timestamp: capturedAt,
    actor: 'workerctl',
    eventType: 'transcript_capture_recorded',
    summary: 'Recorded transcript capture metadata.',
    correlation: { capture_id: id, worker_id: workerId },
    attributes: {
      byte_count: bytes,
      changed: true,
      history_lines: historyLines,
      line_count: lines,
      retention_class: 'hot',
    },
  });
}

function insertEvent(db: Db, workerId: string, event: unknown, sourcePath: string, now: Date): void {
  const object =
    event !== null && typeof event === 'object' && !Array.isArray(event) ? (event as Record<string, unknown>) : {};
  const { time, type, ...rest } = object;
  const createdAt =
    time !== undefined ? String(time) : object.created_at !== undefined ? String(object.created_at) : isoSeconds(now);
  db.prepare(
    `insert into events(created_at, actor, command_id, correlation_id, task_id, worker_id, manager_id, type, payload_json)
     values (?, 'compat', null, null, null, ?, null, ?, ?)`,
  ).run(
    createdAt,
    workerId,
    `compat_${type === undefined ? 'event' : String(type)}`,
    stableJson({ ...rest, source_path: sourcePath }),
  );
}
