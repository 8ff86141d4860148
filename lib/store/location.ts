// Which workerctl.db the CLI and the dashboard use, one rule for both: --path, then $WORKERCTL_DB (a file), then
// $WORKERCTL_STATE_ROOT/workerctl.db, then <cwd>/.codex-workers/workerctl.db. 0.1.12 knew no WORKERCTL_DB; the
// dashboard honoured it and the CLI did not, so the two could silently work on different files.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface LocationInput {
  path?: string | undefined;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export function expandHome(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return path;
}

export function stateRoot(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const root = env.WORKERCTL_STATE_ROOT;
  return root ? resolve(cwd, root) : join(cwd, '.codex-workers');
}

export function resolveDatabasePath({ path, env = process.env, cwd = process.cwd() }: LocationInput = {}): string {
  if (path) return resolve(cwd, expandHome(path));
  if (env.WORKERCTL_DB) return resolve(cwd, expandHome(env.WORKERCTL_DB));
  return join(stateRoot(env, cwd), 'workerctl.db');
}
