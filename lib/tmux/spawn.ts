// start-worker / start-manager (and the two spawns of pair): launch Codex in tmux session codex-<name>, find its
// rollout, register the session. The tmux session exists before the database row; a discovery timeout leaves it
// running and says how to register or remove it by hand.
import { existsSync, statSync } from 'node:fs';
import { isoMillis } from '../clock.js';
import { LifecycleError, TmuxError, UsageError } from '../errors.js';
import { findSession, upsertSession, type Role, type SessionRow } from '../sessions/sessions.js';
import type { Db } from '../store/open.js';
import { findTask } from '../tasks/tasks.js';
import { CODEX_PROFILES, codexArgv, discoverCodexSession, spawnShellCommand, type ProcessProbe } from './launch.js';
import { managerBootstrapPrompt } from './prompts.js';
import type { Tmux } from './tmux.js';

export interface SpawnInput {
  name: string;
  role: Role;
  cwd: string;
  prompt: string | null;
  sandbox?: string;
  approval?: string;
  codexProfile?: string;
  acceptTrust?: boolean;
  timeoutSeconds: number;
  via: 'start-worker' | 'start-manager' | 'pair';
  probe?: ProcessProbe;
}

export interface SpawnedSession {
  codex_session_id: string;
  codex_session_path: string;
  cwd: string;
  name: string;
  pid: number;
  role: Role;
  session_id: string;
  tmux_session: string;
}

/** tmux turns `.` and `:` of a new session's name into `_`; such a name would spawn a session nobody can find. */
export function checkSpawnName(name: string): void {
  if (name.trim() === '') throw new UsageError('a session name must not be empty');
  if (/[.:]/.test(name)) {
    throw new UsageError(
      `session name ${JSON.stringify(name)} contains '.' or ':', which tmux rewrites in session names; choose another name`,
    );
  }
}

/** Refusals that need no tmux call beyond a probe: a registered name, a running tmux session, an unknown profile. */
export function checkSpawnable(db: Db, tmux: Tmux, input: Pick<SpawnInput, 'name' | 'codexProfile'>): void {
  if (findSession(db, input.name)) {
    throw new LifecycleError(
      `a session named ${JSON.stringify(input.name)} is already registered; choose another name or run \`conveyor deregister ${input.name}\``,
    );
  }
  const tmuxSession = `codex-${input.name}`;
  if (tmux.running(tmuxSession)) {
    throw new LifecycleError(
      `tmux session ${JSON.stringify(tmuxSession)} already exists; choose another name or run \`tmux kill-session -t ${tmuxSession}\``,
    );
  }
  if (input.codexProfile !== undefined && !Object.hasOwn(CODEX_PROFILES, input.codexProfile)) {
    throw new UsageError(
      `unknown codex profile ${JSON.stringify(input.codexProfile)}; known profiles: ${Object.keys(CODEX_PROFILES).join(', ')}`,
    );
  }
}

/** A missing working directory would silently become tmux's own cwd while the session records the missing path. */
export function checkSpawnCwd(cwd: string): void {
  if (!existsSync(cwd) || !statSync(cwd).isDirectory())
    throw new LifecycleError(`working directory does not exist: ${cwd}`);
}

/** Launch, discover and register. `now` stamps the row; the launch time for discovery is the real clock. */
export function spawnCodexSession(db: Db, tmux: Tmux, input: SpawnInput, now: () => Date): SpawnedSession {
  checkSpawnable(db, tmux, input);
  checkSpawnCwd(input.cwd);
  const profile = input.codexProfile === undefined ? undefined : CODEX_PROFILES[input.codexProfile];
  const argv = codexArgv({
    sandbox: input.sandbox ?? profile?.sandbox,
    approval: input.approval ?? profile?.approval,
    prompt: input.prompt,
  });
  const tmuxSession = `codex-${input.name}`;
  const launchedAt = Date.now();
  try {
    tmux.newSession(tmuxSession, spawnShellCommand(argv), input.cwd);
    if (input.acceptTrust) tmux.sendKey(tmuxSession, 'Enter');
  } catch (error) {
    if (error instanceof TmuxError) throw new LifecycleError(error.message);
    throw error;
  }
  const found = discoverCodexSession(tmux, {
    tmuxSession,
    launchedAt,
    timeoutSeconds: input.timeoutSeconds,
    acceptTrust: input.acceptTrust ?? false,
    role: input.role,
    name: input.name,
    cwd: input.cwd,
    probe: input.probe,
  });
  const session: SessionRow = upsertSession(
    db,
    {
      name: input.name,
      role: input.role,
      pid: found.pid,
      cwd: input.cwd,
      codexSessionPath: found.rolloutPath,
      codexSessionId: found.codexSessionId,
      tmuxSession,
      via: input.via,
    },
    isoMillis(now()),
  );
  return {
    codex_session_id: found.codexSessionId,
    codex_session_path: found.rolloutPath,
    cwd: input.cwd,
    name: session.name,
    pid: found.pid,
    role: input.role,
    session_id: session.id,
    tmux_session: tmuxSession,
  };
}

/** The manager's first prompt, from the task (by id or name) and its manager config when they exist. */
export function managerPromptFor(
  db: Db,
  input: {
    cwd: string;
    managerName: string;
    task: string | null;
    taskGoal: string | null;
    workerName: string | null;
    dbPath: string;
  },
): string {
  const task = input.task === null ? undefined : findTask(db, input.task);
  const config = task
    ? db
        .prepare<[string], { tools_json: string | null }>('select tools_json from manager_configs where task_id = ?')
        .get(task.id)
    : undefined;
  let tools: string[] | null = null;
  if (config) {
    try {
      const parsed: unknown = JSON.parse(config.tools_json ?? '[]');
      tools = Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string') : [];
    } catch {
      tools = [];
    }
  }
  return managerBootstrapPrompt({
    cwd: input.cwd,
    managerName: input.managerName,
    task: input.task,
    taskGoal: input.taskGoal ?? task?.goal ?? null,
    workerName: input.workerName,
    configuredTools: tools,
    ackTask: config && task ? task.id : (input.task ?? '<task>'),
    dbPath: input.dbPath,
  });
}
