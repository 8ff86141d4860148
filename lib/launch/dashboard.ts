// `conveyor dashboard`: this project's dashboard server (npm start, server/cli.ts) run as a child process with
// inherited stdio, optionally with a Dispatch watcher beside it. lib only builds the plan and runs processes; it
// imports nothing of the server.
import { spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { dispatchWatchCommand } from './dispatch-watcher.js';

export interface DashboardInput {
  host: string;
  port: number;
  task: string | null;
  conveyor: string;
  /** The database as the user typed it (null: the server's own default). */
  dbPath: string | null;
  ensureDispatch: boolean;
  dispatcherId: string;
}

export function dashboardPlan(input: DashboardInput) {
  const command = [
    'npm',
    'start',
    '--',
    '--host',
    input.host,
    '--port',
    String(input.port),
    ...(input.dbPath === null ? [] : ['--db', input.dbPath]),
  ];
  const query = input.task === null ? '' : `?task=${encodeURIComponent(input.task)}`;
  return {
    command,
    dispatch_command: input.ensureDispatch
      ? dispatchWatchCommand(input.conveyor, input.dispatcherId, input.dbPath)
      : null,
    ensure_dispatch: input.ensureDispatch,
    host: input.host,
    port: input.port,
    task: input.task,
    url: `http://${input.host}:${input.port}/${query}`,
  };
}

/** Runs the server in the foreground; the watcher (when started) is stopped when the server exits. */
export function runDashboard(
  plan: ReturnType<typeof dashboardPlan>,
  options: { root: string; env: NodeJS.ProcessEnv; startWatcher: boolean },
): number {
  let watcher: ChildProcess | undefined;
  if (plan.dispatch_command && options.startWatcher) {
    const [cmd, ...args] = plan.dispatch_command;
    watcher = spawn(cmd as string, args, { cwd: options.root, env: options.env, detached: true, stdio: 'ignore' });
    watcher.on('error', () => undefined);
    watcher.unref();
  }
  const [cmd, ...args] = plan.command;
  const result = spawnSync(cmd as string, args, { cwd: options.root, env: options.env, stdio: 'inherit' });
  try {
    watcher?.kill('SIGTERM');
  } catch {
    // already gone
  }
  if (typeof result.status === 'number') return result.status;
  return result.signal ? 1 : 0;
}
