// start-worker and start-manager differ only in role, the manager's prompt and its two extra flags.
import { UsageError } from '../../../errors.js';
import { checkSpawnName, managerPromptFor, spawnCodexSession } from '../../../tmux/spawn.js';
import { defineCommand, type CommandDef } from '../../command.js';
import { atMostPositionals, positiveSeconds, SPAWN_FLAGS, SPAWN_REJECTED, tmuxOf } from './options.js';

export function spawnCommand(role: 'worker' | 'manager'): CommandDef {
  const name = `start-${role}`;
  const managerOnly = role === 'manager' ? ' [--task TASK] [--task-goal TEXT] [--worker NAME]' : ' [--task PROMPT]';
  return defineCommand({
    name,
    flags: role === 'manager' ? { ...SPAWN_FLAGS, 'task-goal': 'string' } : SPAWN_FLAGS,
    help: `usage: conveyor ${name} --name NAME${managerOnly} [--cwd DIR] [--sandbox MODE] [--ask-for-approval POLICY]
       [--codex-profile yolo] [--accept-trust] [--timeout-seconds N (15)] [--path <workerctl.db>]

Starts \`codex --sandbox MODE --ask-for-approval POLICY [PROMPT]\` (defaults danger-full-access and never) in a new
detached tmux session codex-NAME, waits until Codex has opened its rollout file (found through the pane's process
tree with lsof), then registers the session as a ${role} that receives messages by tmux paste (push). Prints the
registered session as JSON.
${
  role === 'worker'
    ? '--task is the initial prompt given to Codex, not a conveyor task (as in agent-conveyor 0.1.12).'
    : '--task names the task the manager will supervise; the manager receives a bootstrap prompt with the conveyor\ncommands of its loop (manager-config, manager-ack, cycle, criteria, finish-task).'
}
--accept-trust presses Enter after the launch and after each look that found nothing (Codex's trust screen).
Exit 1 when the name is registered, tmux session codex-NAME already runs, or no rollout appeared in time (the tmux
session is then left running and the message says how to register or remove it).
Decided differences from 0.1.12: a name with '.' or ':' is refused (tmux renames such sessions, so 0.1.12 could
never find them), and a missing --cwd directory is refused with exit 1 (0.1.12 registered the missing path).

example:
  conveyor ${name} --name relay-${role === 'worker' ? 'w' : 'm'} --cwd ~/src/app --path /tmp/demo/workerctl.db
`,
    run(ctx) {
      const { flags } = ctx;
      atMostPositionals(flags, 0);
      flags.reject(role === 'worker' ? [...SPAWN_REJECTED, 'worker'] : SPAWN_REJECTED);
      const names = flags.list('name');
      if (names.length !== 1) throw new UsageError(`${name} needs exactly one --name`);
      const sessionName = names[0] as string;
      const timeoutSeconds = positiveSeconds(flags, 'timeout-seconds', 15);
      checkSpawnName(sessionName);
      const cwd = flags.string('cwd') ?? ctx.cwd;
      const db = ctx.db();
      const tmux = tmuxOf(ctx);
      const task = flags.string('task') ?? null;
      const prompt =
        role === 'worker'
          ? task
          : managerPromptFor(db, {
              cwd,
              managerName: sessionName,
              task,
              taskGoal: flags.string('task-goal') ?? null,
              workerName: flags.string('worker') ?? null,
              dbPath: ctx.dbPath(),
            });
      const spawned = spawnCodexSession(
        db,
        tmux,
        {
          name: sessionName,
          role,
          cwd,
          prompt,
          sandbox: flags.string('sandbox'),
          approval: flags.string('ask-for-approval'),
          codexProfile: flags.string('codex-profile'),
          acceptTrust: flags.bool('accept-trust'),
          timeoutSeconds,
          via: name as 'start-worker' | 'start-manager',
        },
        ctx.now,
      );
      return { json: spawned };
    },
  });
}
