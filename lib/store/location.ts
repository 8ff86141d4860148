// Which workerctl.db a command uses, in 0.1.12's order: --path, $WORKERCTL_STATE_ROOT, <cwd>/.codex-workers.
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
  return join(stateRoot(env, cwd), 'workerctl.db');
}
