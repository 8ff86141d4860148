// Both directions of file compatibility with agent-conveyor 0.1.12. Our CLI reads the reference scenario.db
// and writes to a copy of it; every row we add must have the columns and the formats of the rows 0.1.12 wrote
// for the same kind of thing (rows.txt): the same NULLs, timestamp precisions, id prefixes and JSON key shapes,
// with ids, times and free text masked. A fresh file of ours must also have 0.1.12's columns in its order.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, runCli, scenarioCopy, tempDatabase, type TempDir } from '../lib/testing.js';

type Value = string | number | null;
interface Table {
  columns: string[];
  rows: Value[][];
}

/** rows.txt: `### table (N rows)`, a header of quoted names, then one SQL-literal row per line. */
function parseRowsTxt(text: string): Map<string, Table> {
  const tables = new Map<string, Table>();
  let current: Table | undefined;
  for (const line of text.split('\n')) {
    const heading = /^### (\w+) \(\d+ rows\)$/.exec(line);
    if (heading) {
      current = { columns: [], rows: [] };
      tables.set(heading[1] as string, current);
    } else if (current && line !== '') {
      const values = parseSqlValues(line);
      if (current.columns.length === 0) current.columns = values.map(String);
      else current.rows.push(values);
    }
  }
  return tables;
}

function parseSqlValues(line: string): Value[] {
  const values: Value[] = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] === "'") {
      let text = '';
      i++;
      for (;;) {
        if (line[i] === "'" && line[i + 1] === "'") {
          text += "'";
          i += 2;
        } else if (line[i] === "'") {
          i++;
          break;
        } else text += line[i++];
      }
      values.push(text);
    } else {
      const end = line.indexOf(',', i);
      const token = line.slice(i, end === -1 ? undefined : end);
      values.push(token === 'NULL' ? null : Number.isNaN(Number(token)) ? token : Number(token));
      i += token.length;
    }
    if (line[i] === ',') i++;
  }
  return values;
}

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/;
const ISO_S = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const ID =
  /\b(session-token|session|task|binding|command|dispatch|telemetry|run)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;
// Sentences, names and paths: their wording or value is not a format.
const FREE_TEXT = new Set([
  'summary',
  'error',
  'message',
  'reason',
  'prompt',
  'last_agent_message',
  'name',
  'goal',
  'task',
  'worker',
  'manager',
  'worker_session',
  'manager_session',
  'source_session',
  'target_session',
  'source_session_name',
  'target_session_name',
  'cwd',
  'codex_session_path',
  'codex_session_id',
  'identity_token',
  'idempotency_key',
  'correlation_id',
  'session',
  'criterion',
  'direct_inbox_command',
]);

function maskString(value: string, key: string): string {
  if (ISO_MS.test(value)) return '<TS.ms>';
  if (ISO_S.test(value)) return '<TS>';
  if (ID.test(value)) {
    ID.lastIndex = 0;
    const masked = value.replace(ID, (_m, prefix: string) => `<${prefix}>`);
    const structured = masked.replace(/:\d+$/, ':<n>');
    return /^(<[a-z-]+>[:]?)+$|^<[a-z-]+>(:[a-z_]+:<[a-z-]+>)+(:<n>)?$/.test(structured)
      ? structured
      : FREE_TEXT.has(key)
        ? 'text'
        : masked;
  }
  ID.lastIndex = 0;
  return FREE_TEXT.has(key) ? 'text' : `text`;
}

function mask(value: unknown, key: string): unknown {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return 'num';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return value.map((v) => mask(v, key));
  if (typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, mask((value as Record<string, unknown>)[k], k)]),
    );
  const text = String(value);
  if (key.endsWith('_json')) return mask(JSON.parse(text), key.replace(/_json$/, ''));
  return maskString(text, key);
}

function signature(columns: readonly string[], row: readonly unknown[]): string {
  return JSON.stringify(columns.map((c, i) => [c, mask(row[i], c)]));
}

// Which column tells rows of one table apart as "the same kind of thing".
const KIND: Record<string, string | null> = {
  tasks: null,
  sessions: 'role',
  bindings: null,
  commands: 'type',
  command_attempts: 'state',
  routed_notifications: 'signal_type',
  codex_events: 'subtype',
  events: 'type',
  telemetry_events: 'event_type',
  manager_decisions: null,
  agent_observations: null,
};

const reference = parseRowsTxt(readFileSync(join(FIXTURES, 'rows.txt'), 'utf8'));
let copy: TempDir;
const cli = (args: string[]) => runCli([...args, '--path', copy.dbPath], { cwd: copy.dir });
const before = new Map<string, Set<string>>();

function rowsOf(file: string, table: string): { columns: string[]; rows: unknown[][] } {
  const db = new Database(file, { readonly: true });
  try {
    const statement = db.prepare(`select * from ${table} order by rowid`).raw(true);
    return { columns: statement.columns().map((c) => c.name), rows: statement.all() as unknown[][] };
  } finally {
    db.close();
  }
}

function keyOf(table: string, columns: string[], row: unknown[]): string {
  return String(row[columns.indexOf(table === 'sqlite_sequence' ? 'name' : 'id')]);
}

beforeAll(async () => {
  copy = scenarioCopy();
  for (const table of Object.keys(KIND)) {
    const { columns, rows } = rowsOf(copy.dbPath, table);
    before.set(table, new Set(rows.map((r) => keyOf(table, columns, r))));
  }
}, 60_000);
afterAll(() => copy.cleanup());

describe('reading scenario.db written by 0.1.12', () => {
  it('lists its tasks, sessions, commands with attempts, telemetry and inboxes as the reference CLI did', async () => {
    const tasks = JSON.parse((await cli(['tasks', '--json'])).stdout) as Array<{ name: string; state: string }>;
    expect(tasks.map((t) => `${t.name}:${t.state}`)).toEqual([
      'app-loop:done',
      'scratch-loop:managed',
      'cli-loop:done',
    ]);
    const sessions = JSON.parse((await cli(['sessions', '--state', 'all'])).stdout) as Array<{
      name: string;
      communication: { session_kind: string };
    }>;
    expect(sessions.map((s) => s.name)).toEqual([
      'app-worker',
      'app-manager',
      'scratch-loop-worker',
      'scratch-loop-manager',
      'cli-worker',
      'cli-manager',
    ]);
    expect(new Set(sessions.map((s) => s.communication.session_kind))).toEqual(new Set(['codex_app']));
    const commands = JSON.parse(
      (await cli(['commands', '--task', 'app-loop', '--attempts', '--json'])).stdout,
    ) as Array<{ type: string; attempt_history: unknown[] }>;
    expect(commands.map((c) => `${c.type}:${c.attempt_history.length}`)).toEqual([
      'nudge_worker:1',
      'nudge_worker:1',
      'finish_task:0',
    ]);
    const telemetry = JSON.parse((await cli(['telemetry', '--task', 'app-loop', '--json'])).stdout) as unknown[];
    expect(telemetry).toHaveLength(30);
    const inbox = JSON.parse((await cli(['session-inbox', 'app-manager', '--json'])).stdout) as { items: unknown[] };
    expect(inbox.items).toEqual([]);
    const doctor = await cli(['db-doctor']);
    expect(JSON.parse(doctor.stdout).ok).toBe(true);
    expect((await cli(['finish-task', 'app-loop'])).code).toBe(2);
  });
});

describe('writing to a copy of scenario.db', () => {
  it('adds rows with the columns and formats 0.1.12 writes for the same kinds of rows', async () => {
    const rollout = join(copy.dir, 'rollout-scratch-worker.jsonl');
    writeFileSync(
      rollout,
      '{"type":"session_meta","timestamp":"2026-11-25T10:00:00.000Z","payload":{"id":"codex-scratch-loop-worker","cwd":"/home/dev/conveyor-demo/run","originator":"codex_cli_rs"}}\n',
    );
    const steps: string[][] = [
      ['register-worker', '--name', 'scratch-loop-worker', '--pid', '43001', '--codex-session', rollout],
      ['tasks', '--create', 'compat-loop', '--goal', 'Compatibility'],
      ['enqueue-nudge-worker', 'scratch-loop', '--message', 'Status and evidence?'],
      ['dispatch', '--once', '--type', 'nudge_worker'],
      ['worker-inbox', 'scratch-loop', '--consume-next', '--json'],
      ['deregister', 'scratch-loop-worker'],
    ];
    for (const args of steps) await cli(args);
    writeFileSync(
      rollout,
      '{"type":"event_msg","timestamp":"2026-11-25T10:00:01.000Z","payload":{"type":"task_complete","turn_id":"turn-1","last_agent_message":"Done."}}\n',
      { flag: 'a' },
    );
    for (const args of [
      ['ingest', 'scratch-loop-worker'],
      ['dispatch', '--once'],
      ['manager-inbox', 'scratch-loop', '--consume-next', '--json'],
      ['finish-task', 'scratch-loop', '--reason', 'Compatible'],
    ]) {
      const result = await cli(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    }

    const mismatches: string[] = [];
    let compared = 0;
    for (const [table, kindColumn] of Object.entries(KIND)) {
      const ref = reference.get(table);
      expect(ref, table).toBeDefined();
      const ours = rowsOf(copy.dbPath, table);
      expect(ours.columns, table).toEqual(ref?.columns);
      const refSignatures = new Map<string, Set<string>>();
      for (const row of ref?.rows ?? []) {
        const kind = kindColumn ? String(row[ref!.columns.indexOf(kindColumn)]) : '*';
        if (!refSignatures.has(kind)) refSignatures.set(kind, new Set());
        refSignatures.get(kind)!.add(signature(ref!.columns, row));
      }
      for (const row of ours.rows) {
        if (before.get(table)?.has(keyOf(table, ours.columns, row))) continue;
        const kind = kindColumn ? String(row[ours.columns.indexOf(kindColumn)]) : '*';
        const expected = refSignatures.get(kind);
        if (!expected) continue; // a kind of row the reference scenario never wrote
        compared++;
        const mine = signature(ours.columns, row);
        if (!expected.has(mine)) mismatches.push(`${table} ${kind}:\n  ours ${mine}\n  0.1.12 ${[...expected][0]}`);
      }
    }
    expect(mismatches, mismatches.join('\n')).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(30);
  });

  it('creates fresh files with the tables and column order of 0.1.12', () => {
    const fresh = tempDatabase();
    try {
      for (const [table, ref] of reference) {
        if (table.startsWith('telemetry_events_fts_') || table === 'sqlite_sequence' || ref.columns.length === 0)
          continue; // rows.txt names no columns of an empty table
        const columns = fresh.db
          .prepare(`select * from ${table} limit 0`)
          .columns()
          .map((c) => c.name);
        expect(columns, table).toEqual(ref.columns);
      }
    } finally {
      fresh.cleanup();
    }
  });
});
