// A bound worker/manager pair in a fresh temporary database, for the core (non app-*) tests. Everything is
// written through the real functions: createTask, upsertSession with real rollout files, createBinding.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { createBinding } from './bindings.js';
import { isoMillis } from '../clock.js';
import type { Db } from '../store/open.js';
import { upsertSession, type Role } from '../sessions/sessions.js';
import { createTask, type TaskRow } from './tasks.js';
import { tempDatabase } from '../testing.js';

export const T0 = new Date('2026-06-11T12:00:00Z');
export const TASK = 'core-loop';

export function at(seconds: number): Date {
  return new Date(T0.getTime() + seconds * 1000);
}

export interface CorePair {
  db: Db;
  dir: string;
  dbPath: string;
  task: TaskRow;
  rollout: Record<Role, string>;
}

export function writeRollout(path: string, codexId: string): void {
  writeFileSync(
    path,
    `${JSON.stringify({ type: 'session_meta', payload: { id: codexId, cwd: '/work' }, timestamp: '2026-06-11T11:00:00.000Z' })}\n`,
  );
}

/** Appends JSONL lines (objects are serialised; strings are written as they are). */
export function appendRollout(path: string, ...lines: Array<Record<string, unknown> | string>): void {
  appendFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
}

export function taskComplete(turn: string, message = 'done'): Record<string, unknown> {
  return {
    type: 'event_msg',
    timestamp: '2026-06-11T11:59:00.000Z',
    payload: { type: 'task_complete', turn_id: turn, last_agent_message: message },
  };
}

export function registerRole(
  db: Db,
  dir: string,
  role: Role,
  name = `core-${role}`,
  options: { tmux?: string } = {},
): string {
  const rollout = join(dir, `rollout-${name}.jsonl`);
  writeRollout(rollout, `codex-${name}`);
  upsertSession(
    db,
    {
      name,
      role,
      pid: 4000,
      cwd: dir,
      codexSessionPath: rollout,
      codexSessionId: `codex-${name}`,
      tmuxSession: options.tmux ?? null,
    },
    isoMillis(at(-600)),
  );
  return rollout;
}

/** Task core-loop bound to core-worker and core-manager (no tmux: pull delivery). */
export function corePair(options: { bound?: boolean; tmux?: Partial<Record<Role, string>> } = {}): CorePair {
  const t = tempDatabase(() => T0);
  onTestFinished(() => t.cleanup());
  const task = createTask(t.db, { name: TASK, goal: 'Keep the core loop moving' }, at(-900));
  const rollout = {
    worker: registerRole(t.db, t.dir, 'worker', 'core-worker', { tmux: options.tmux?.worker }),
    manager: registerRole(t.db, t.dir, 'manager', 'core-manager', { tmux: options.tmux?.manager }),
  };
  if (options.bound ?? true) createBinding(t.db, task, 'core-worker', 'core-manager', isoMillis(at(-300)));
  return { db: t.db, dir: t.dir, dbPath: t.dbPath, task, rollout };
}

export function telemetryTypes(db: Db): string[] {
  return db
    .prepare<[], { event_type: string }>('select event_type from telemetry_events order by rowid')
    .all()
    .map((r) => r.event_type);
}

export function ftsCount(db: Db): number {
  return (db.prepare('select count(*) as n from telemetry_events_fts').get() as { n: number }).n;
}

export function count(db: Db, table: string, where = '1 = 1'): number {
  return (db.prepare(`select count(*) as n from ${table} where ${where}`).get() as { n: number }).n;
}
