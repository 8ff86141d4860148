import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { LifecycleError, UsageError } from '../../../errors.js';
import { dispatchWatchCommand } from '../../../launch/dispatch-watcher.js';
import { requireTmux, requireTool } from '../../../tmux/launch.js';
import { runPair, type ManagerSeed } from '../../../tmux/pair.js';
import { checkSpawnName } from '../../../tmux/spawn.js';
import type { Flags } from '../../args.js';
import { defineCommand } from '../../command.js';
import { packageRoot } from '../../package-root.js';
import { atMostPositionals, positiveSeconds, SPAWN_FLAGS, tmuxOf } from './options.js';

const REJECTED = [
  'name',
  'role',
  'worker',
  'manager',
  'limit',
  'pid',
  'codex-session',
  'tmux-session',
  'active',
  'all',
  'blocker',
  'create',
  'current-task',
  'file',
  'goal',
  'next-action',
  'output',
  'redact-identity-token',
  'state',
  'subtype',
  'summary',
  'text',
  'type',
  'zip',
  'include-content',
  'include-transcripts',
  'include-full-transcripts',
  'include-legacy',
  'keep-latest',
];

const ONLY_DEFAULTS: ReadonlyArray<[string, string]> = [
  ['busy-wait-seconds', '90'],
  ['status-age-seconds', '90'],
  ['mode', 'segment'],
  ['format', 'timeline'],
];

function seedOf(flags: Flags): ManagerSeed {
  return {
    mode: flags.string('manager-mode'),
    recipe: flags.string('manager-recipe'),
    objective: flags.string('manager-objective'),
    guidelines: flags.list('manager-guideline'),
    acceptance: flags.list('manager-acceptance'),
    references: flags.list('manager-reference'),
    permits: flags.list('manager-permit'),
    tools: flags.list('manager-tool'),
    epilogues: flags.list('manager-epilogue'),
    nudgeOnCompletion: flags.string('manager-nudge-on-completion'),
    requireAcks: flags.bool('manager-require-acks'),
    allowPr: flags.bool('manager-allow-pr'),
    allowMergeGreen: flags.bool('manager-allow-merge-green'),
    allowWorkerCompactClear: flags.bool('manager-allow-worker-compact-clear'),
    permissionsJson: flags.string('manager-permissions-json'),
  };
}

/**
 * The Dispatch watcher's executable: `workerctl` on PATH (0.1.12's name, which existing setups provide), else this
 * conveyor's own bin/conveyor (0.1.12 failed here, even for a dry run).
 */
function watcherExecutable(env: NodeJS.ProcessEnv): string {
  const found = spawnSync('sh', ['-c', "command -v 'workerctl'"], { env, encoding: 'utf8' });
  const path = found.status === 0 ? found.stdout.trim().split('\n')[0] : undefined;
  return path && path.startsWith('/') ? path : join(packageRoot(), 'bin', 'conveyor');
}

export default defineCommand({
  name: 'pair',
  flags: {
    ...SPAWN_FLAGS,
    'worker-name': 'string',
    'manager-name': 'string',
    'task-goal': 'string',
    'task-summary': 'string',
    'task-prompt': 'string',
    'dispatcher-id': 'string',
    'no-dispatch': 'boolean',
    'manager-mode': 'string',
    'manager-recipe': 'string',
    'manager-objective': 'string',
    'manager-guideline': 'list',
    'manager-acceptance': 'list',
    'manager-reference': 'list',
    'manager-permit': 'list',
    'manager-tool': 'list',
    'manager-epilogue': 'list',
    'manager-nudge-on-completion': 'string',
    'manager-require-acks': 'boolean',
    'manager-allow-pr': 'boolean',
    'manager-allow-merge-green': 'boolean',
    'manager-allow-worker-compact-clear': 'boolean',
    'manager-permissions-json': 'string',
  },
  help: `usage: conveyor pair --task TASK --worker-name W --manager-name M [--task-goal GOAL] [--task-summary TEXT]
       [--task-prompt PROMPT] [--manager-mode light|guided|strict] [--manager-recipe R] [--manager-objective TEXT]
       [--manager-guideline TEXT]... [--manager-acceptance TEXT]... [--manager-reference PATH]...
       [--manager-permit ACTION]... [--manager-tool TOOL]... [--manager-epilogue STEP]...
       [--manager-nudge-on-completion off|ask-operator|auto-review|auto-proceed] [--manager-require-acks]
       [--manager-allow-pr] [--manager-allow-merge-green] [--manager-allow-worker-compact-clear]
       [--manager-permissions-json OBJ] [--cwd DIR] [--sandbox S] [--ask-for-approval A] [--codex-profile yolo]
       [--accept-trust] [--timeout-seconds N (60)] [--dispatcher-id ID (dispatch-pair)] [--no-dispatch] [--dry-run]
       [--json] [--path <workerctl.db>]

Sets up a supervised pair in one go: finds TASK (id or name; created with --task-goal when missing), seeds its
manager config (and accepted criteria from --manager-acceptance), launches the worker (codex-W, first prompt
--task-prompt plus the acknowledgement it owes) and the manager (codex-M, with its bootstrap prompt) as
\`conveyor start-worker\` does, binds them, opens an active run, and starts \`dispatch --watch --dispatcher-id ID
--path DB\` in the background unless one with that id wrote a heartbeat in the last 10 s (--no-dispatch: none).
--dry-run prints the plan only. Output is JSON. Exit 1 for anything that fails after the arguments were checked;
what was done stays done and pair_failed telemetry says how far it got.
Decided differences from agent-conveyor 0.1.12: the seeding flags are checked before anything is written; the
watcher runs \`workerctl\` from PATH when there is one (as 0.1.12 did), else conveyor's own bin/conveyor (0.1.12
failed); session names with '.' or ':' and a missing --cwd are refused.

examples:
  conveyor pair --task dogfood --worker-name dogfood-worker --manager-name dogfood-manager --task-goal "Create docs/note.md" --task-prompt "Create docs/note.md" --manager-recipe goalbuddy-conveyor --manager-acceptance "docs/note.md exists" --cwd /tmp/work --path /tmp/work/workerctl.db --accept-trust
  conveyor pair --task dogfood --worker-name dogfood-worker --manager-name dogfood-manager --path /tmp/work/workerctl.db --dry-run --json
`,
  run(ctx) {
    const { flags } = ctx;
    atMostPositionals(flags, 0);
    flags.reject(REJECTED);
    for (const [name, fallback] of ONLY_DEFAULTS) {
      const value = flags.string(name);
      if (value !== undefined && value !== fallback) throw new UsageError(`unsupported option for pair: --${name}`);
    }
    const task = flags.string('task');
    const workerName = flags.string('worker-name');
    const managerName = flags.string('manager-name');
    if (task === undefined || workerName === undefined || managerName === undefined)
      throw new UsageError('pair needs --task, --worker-name and --manager-name');
    const timeoutSeconds = positiveSeconds(flags, 'timeout-seconds', 60);
    checkSpawnName(workerName);
    checkSpawnName(managerName);
    const dispatcherId = flags.bool('no-dispatch') ? null : (flags.string('dispatcher-id') ?? 'dispatch-pair');
    const dbPath = ctx.dbPath();
    const dispatchCommand =
      dispatcherId === null ? null : dispatchWatchCommand(watcherExecutable(ctx.env), dispatcherId, dbPath);
    if (flags.bool('dry-run')) {
      return {
        json: {
          dispatch_command: dispatchCommand,
          ensure_dispatch: dispatchCommand !== null,
          manager: managerName,
          task,
          worker: workerName,
        },
      };
    }
    const tmux = tmuxOf(ctx);
    requireTool('codex', ctx.env);
    requireTmux(tmux);
    try {
      tmux.startServer();
    } catch (error) {
      throw new LifecycleError(error instanceof Error ? error.message : String(error));
    }
    const result = runPair(
      ctx.db(),
      tmux,
      {
        task,
        workerName,
        managerName,
        taskGoal: flags.string('task-goal') ?? null,
        taskSummary: flags.string('task-summary') ?? null,
        taskPrompt: flags.string('task-prompt') ?? null,
        seed: seedOf(flags),
        cwd: flags.string('cwd') ?? ctx.cwd,
        sandbox: flags.string('sandbox'),
        approval: flags.string('ask-for-approval'),
        codexProfile: flags.string('codex-profile'),
        acceptTrust: flags.bool('accept-trust'),
        timeoutSeconds,
        dispatchCommand,
        dispatcherId,
        dbPath,
        packageRoot: packageRoot(),
        env: ctx.env,
      },
      ctx.now,
    );
    return { json: result };
  },
});
