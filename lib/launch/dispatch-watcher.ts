// Starting a background `dispatch --watch` for pair and dashboard: only when no dispatcher with that id wrote a
// heartbeat in the last 10 seconds, detached, stdio ignored, not waited for.
import { spawn } from 'node:child_process';
import { lastDispatchHeartbeat } from '../app-loop/loop-status.js';
import type { Db } from '../store/open.js';

const RECENT_HEARTBEAT_MS = 10_000;

export function dispatcherIsRecent(db: Db, dispatcherId: string, now: Date): boolean {
  const last = lastDispatchHeartbeat(db, dispatcherId);
  if (last === null) return false;
  const ms = Date.parse(last);
  return !Number.isNaN(ms) && now.getTime() - ms <= RECENT_HEARTBEAT_MS;
}

export function dispatchWatchCommand(conveyor: string, dispatcherId: string, dbPath: string | null): string[] {
  return [
    conveyor,
    'dispatch',
    '--watch',
    '--dispatcher-id',
    dispatcherId,
    ...(dbPath === null ? [] : ['--path', dbPath]),
  ];
}

/** Starts a process that outlives this one; returns its pid (null when it could not start). */
export function spawnDetached(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv): number | null {
  try {
    const child = spawn(argv[0] as string, argv.slice(1), { cwd, env, detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
    return child.pid ?? null;
  } catch {
    return null;
  }
}
