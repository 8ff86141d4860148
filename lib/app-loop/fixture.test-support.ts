// A no-tmux pair in a fresh temporary database, for the app-layer tests. Everything is written through the
// real functions (create-disposable-binding, heartbeats); only what no command can produce directly (a
// session that never checked in, a thread id removed) is set with one UPDATE.
import { onTestFinished } from 'vitest';
import type { Db } from '../store/open.js';
import type { Role } from '../sessions/sessions.js';
import { appendTelemetry } from '../telemetry/telemetry.js';
import { tempDatabase } from '../testing.js';
import { createDisposableBinding } from './disposable-binding.js';
import { recordHeartbeat } from './heartbeat.js';

export const T0 = new Date('2026-06-11T12:00:00Z');
export const TASK = 'app-loop-task';

/** `seconds` before (negative) or after T0. */
export function at(seconds: number): Date {
  return new Date(T0.getTime() + seconds * 1000);
}

export interface Pair {
  db: Db;
  dbPath: string;
  dir: string;
}

/** Task app-loop-task bound to app-worker (thread-worker) and app-manager (thread-manager), registered at `registeredAt`. */
export function appPair(options: { registeredAt?: Date; threads?: boolean } = {}): Pair {
  const t = tempDatabase(() => T0);
  onTestFinished(() => t.cleanup());
  const threads = options.threads ?? true;
  createDisposableBinding(
    t.db,
    {
      task: TASK,
      worker: 'app-worker',
      manager: 'app-manager',
      cwd: t.dir,
      ...(threads
        ? {
            workerThreadId: 'thread-worker',
            workerThreadTitle: 'Worker App',
            managerThreadId: 'thread-manager',
            managerThreadTitle: 'Manager App',
          }
        : {}),
    },
    options.registeredAt ?? at(-3600),
  );
  return { db: t.db, dbPath: t.dbPath, dir: t.dir };
}

export function heartbeatAt(pair: Pair, role: Role, when: Date): void {
  recordHeartbeat(pair.db, { task: TASK, role }, when);
}

/** A role that never checked in: no lease stamp at all. */
export function clearLease(pair: Pair, role: Role): void {
  pair.db.prepare('update sessions set last_heartbeat_at = null where role = ? and name = ?').run(role, `app-${role}`);
}

export function removeThread(pair: Pair, role: Role): void {
  pair.db
    .prepare('update sessions set codex_app_thread_id = null, codex_app_thread_title = null where name = ?')
    .run(`app-${role}`);
}

/** What one pass of `conveyor dispatch --watch` leaves behind: a dispatch_watch_heartbeat for its id. */
export function dispatchHeartbeatAt(pair: Pair, when: Date, dispatcherId = 'dispatch-local'): void {
  appendTelemetry(pair.db, {
    taskId: null,
    timestamp: when.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    actor: 'dispatch',
    eventType: 'dispatch_watch_heartbeat',
    severity: 'info',
    summary: 'Dispatch watch heartbeat.',
    correlation: { dispatcher_id: dispatcherId, iteration: 1 },
    attributes: { dry_run: false, processed_count: 0 },
  });
}

export function telemetryCount(db: Db, eventType: string): number {
  return (db.prepare('select count(*) as n from telemetry_events where event_type = ?').get(eventType) as { n: number })
    .n;
}
