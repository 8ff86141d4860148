// Launching Codex in a tmux session and finding the rollout file it opened. The launch is a shell command run by
// tmux; discovery walks the pane's process tree with lsof until one process holds a fresh rollout-*.jsonl open.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { LifecycleError, TmuxError } from '../errors.js';
import { readRolloutMeta } from '../sessions/rollout.js';
import { shlexQuote, singleQuote, type Tmux } from './tmux.js';

export const DEFAULT_SANDBOX = 'danger-full-access';
export const DEFAULT_APPROVAL = 'never';
/** Codex profiles 0.1.12 knows; each only fills the sandbox and approval defaults. */
export const CODEX_PROFILES: Readonly<Record<string, { sandbox: string; approval: string }>> = {
  yolo: { sandbox: DEFAULT_SANDBOX, approval: DEFAULT_APPROVAL },
};

/** Blocks the thread for `ms` (discovery and readiness polls are synchronous, like the rest of the CLI). */
export function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Fails with exit 1 when a tool the command needs is not on PATH. */
export function requireTool(tool: string, env: NodeJS.ProcessEnv): void {
  const found = spawnSync('sh', ['-c', `command -v ${singleQuote(tool)}`], { env, encoding: 'utf8' });
  if (found.status !== 0) throw new LifecycleError(`${tool} is required but was not found on PATH`);
}

/** `tmux -V` must answer (exit 1 otherwise). */
export function requireTmux(tmux: Tmux): void {
  const problem = tmux.versionProblem();
  if (!problem) return;
  throw new LifecycleError(problem.missing ? 'tmux is required but was not found on PATH' : problem.message);
}

export function codexArgv(input: { sandbox?: string; approval?: string; prompt?: string | null }): string[] {
  const argv = [
    'codex',
    '--sandbox',
    input.sandbox ?? DEFAULT_SANDBOX,
    '--ask-for-approval',
    input.approval ?? DEFAULT_APPROVAL,
  ];
  if (input.prompt) argv.push(input.prompt);
  return argv;
}

/**
 * The shell command tmux runs for a spawned session. npm's variables are dropped first (a CLI started through npm
 * would otherwise leak them into Codex's shell), and `exec` makes the pane's pid Codex's own pid.
 */
export function spawnShellCommand(argv: readonly string[]): string {
  const cleanup = `for name in $(env | awk -F= '/^(npm|NPM)_/ {print $1}'); do unset "$name"; done; unset PNPM_SCRIPT_SRC_DIR`;
  return `${cleanup}; exec ${argv.map(shlexQuote).join(' ')}`;
}

/** The legacy launch (`start`, `create`): every value single-quoted, the prompt read from a file by the shell. */
export function legacyShellCommand(input: {
  binDir: string | null;
  cwd: string;
  passthrough: readonly string[];
  promptFile: string | null;
}): string {
  const words = [`codex --cd ${singleQuote(input.cwd)} --no-alt-screen`];
  for (const arg of input.passthrough) words.push(singleQuote(arg));
  if (input.promptFile) words.push(`"$(cat ${singleQuote(input.promptFile)})"`);
  const prefix = input.binDir ? `PATH=${singleQuote(input.binDir)}:$PATH ` : '';
  return `${prefix}${words.join(' ')}`;
}

export interface DiscoveredSession {
  pid: number;
  rolloutPath: string;
  codexSessionId: string;
  cwd: string | null;
}

/** How discovery looks at processes; injectable for tests of the walk itself. */
export interface ProcessProbe {
  /** The `.jsonl` paths a process holds open (lsof), or an error. */
  openFiles(pid: number): string[];
  children(pid: number): number[];
}

export const systemProcessProbe: ProcessProbe = {
  openFiles(pid) {
    const result = spawnSync('lsof', ['-p', String(pid)], { encoding: 'utf8' });
    if (result.error || result.status !== 0)
      throw new Error(
        `lsof -p ${pid} failed: ${result.stderr?.trim() || result.error?.message || `exit ${result.status}`}`,
      );
    return result.stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.endsWith('.jsonl'))
      .map((line) => line.split(/\s+/).at(-1) as string);
  },
  children(pid) {
    const result = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
    return (result.stdout ?? '')
      .split('\n')
      .map((line) => Number.parseInt(line.trim(), 10))
      .filter((n) => Number.isInteger(n));
  },
};

function isRollout(path: string): boolean {
  return path.includes('/sessions/') && path.includes('/rollout-');
}

/** One look at the pane's process tree: a process with a rollout started at or after `launchedAt`, or why not. */
function discoverOnce(
  tmux: Tmux,
  tmuxSession: string,
  launchedAt: number,
  probe: ProcessProbe,
): DiscoveredSession | { error: string } {
  const pane = tmux.paneValue(tmuxSession, '#{pane_pid}');
  if ('error' in pane) return pane;
  const root = Number.parseInt(pane.value, 10);
  if (!Number.isInteger(root)) return { error: `tmux reported a pane pid that is not a number: ${pane.value}` };
  const queue = [root];
  const seen = new Set<number>();
  let lastError = `no rollout-*.jsonl file open for pid ${root}`;
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    let found: string | undefined;
    try {
      found = probe.openFiles(pid).find(isRollout);
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (found) {
      try {
        const meta = readRolloutMeta(found);
        const stamp = rolloutTimestamp(found);
        // An older rollout belongs to an earlier Codex (a resumed or reused process); keep looking.
        if (stamp !== null && stamp >= launchedAt)
          return { pid, rolloutPath: found, codexSessionId: meta.codexSessionId, cwd: meta.cwd };
        lastError = `rollout ${found} started before this launch`;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
    }
    queue.push(...probe.children(pid));
  }
  return { error: lastError };
}

function rolloutTimestamp(file: string): number | null {
  if (!existsSync(file)) return null;
  try {
    const first = JSON.parse(readFirstLineOf(file)) as { payload?: { timestamp?: unknown } };
    const stamp = first.payload?.timestamp;
    if (typeof stamp !== 'string') return null;
    const ms = Date.parse(stamp);
    return Number.isNaN(ms) ? null : ms;
  } catch {
    return null;
  }
}

/** The first line of a file (at most 1 MiB read): readRolloutMeta validated the record, this reads its timestamp. */
function readFirstLineOf(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(1024 * 1024);
    const text = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
    const end = text.indexOf('\n');
    return (end === -1 ? text : text.slice(0, end)).trim();
  } finally {
    closeSync(fd);
  }
}

export interface DiscoverInput {
  tmuxSession: string;
  /** Epoch ms taken just before new-session. */
  launchedAt: number;
  timeoutSeconds: number;
  /** Press Enter after each miss (accepts Codex's workspace-trust screen). */
  acceptTrust: boolean;
  /** Words for the recovery hint: the register command and its values. */
  role: 'worker' | 'manager';
  name: string;
  cwd: string;
  probe?: ProcessProbe;
  /** Epoch ms now; the deadline is measured with it. */
  clock?: () => number;
}

/** Polls until Codex's rollout appears or the deadline passes (then exit 1, the tmux session left running). */
export function discoverCodexSession(tmux: Tmux, input: DiscoverInput): DiscoveredSession {
  const clock = input.clock ?? Date.now;
  const started = clock();
  const deadline = started + input.timeoutSeconds * 1000;
  let lastError = 'no attempt made';
  for (;;) {
    const found = discoverOnce(tmux, input.tmuxSession, input.launchedAt, input.probe ?? systemProcessProbe);
    if (!('error' in found)) return found;
    lastError = found.error;
    if (clock() >= deadline) break;
    if (input.acceptTrust) {
      try {
        tmux.sendKey(input.tmuxSession, 'Enter');
      } catch (error) {
        lastError = error instanceof TmuxError ? error.message : String(error);
      }
    }
    pause(500);
  }
  const s = input.tmuxSession;
  throw new LifecycleError(
    `codex did not write session_meta within ${input.timeoutSeconds}s in tmux session ${JSON.stringify(s)}: ${lastError}\n` +
      `Recovery: the tmux session ${JSON.stringify(s)} may still be running; look at it with \`tmux attach -t ${s}\`. ` +
      `Once Codex shows its prompt (answer its trust question or send a first prompt), register it with ` +
      `\`conveyor register-${input.role} --name ${input.name} --pid <pid> --codex-session <rollout.jsonl> --cwd ${singleQuote(input.cwd)} --tmux-session ${s}\`. ` +
      `To give up instead, run \`tmux kill-session -t ${s}\` and \`conveyor deregister ${input.name}\` if it was registered.`,
  );
}
