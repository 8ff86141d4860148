// The three enqueue-* commands (nudge-worker, notify-manager, continue-iteration): queue a command for dispatch.
// Each command file describes its variant; the flags, checks and output are shared.
import { resolvePermission } from '../../../manager/permissions.js';
import { enqueueCommand, type DispatchCommandType } from '../../../queue/commands.js';
import { UsageError } from '../../../errors.js';
import { requireContinuableRun } from '../../../queue/loop-policy.js';
import { requireOpenTask } from '../../../tasks/tasks.js';
import type { FlagKind } from '../../args.js';
import { defineCommand, type CommandDef } from '../../command.js';
import { checkUniversalValues, INCLUDE_FLAGS, requirePositional } from '../../flag-checks.js';
import { LOOP_ITERATION } from '../../../queue/queue-input.js';
import { ROW_ID } from '../../../input-rules.js';

const REJECTED = [
  'active',
  'all',
  'blocker',
  'create',
  'current-task',
  'cwd',
  'dry-run',
  'file',
  'goal',
  'keep-latest',
  'limit',
  'name',
  'next-action',
  'output',
  'pid',
  'redact-identity-token',
  'role',
  'state',
  'status-age-seconds',
  'subtype',
  'summary',
  'text',
  'tmux-session',
  'worker',
  'manager',
  'zip',
  ...INCLUDE_FLAGS,
];
const BASE_FLAGS: Record<string, FlagKind> = {
  message: 'string',
  'correlation-id': 'string',
  'idempotency-key': 'string',
  'required-permission': 'string',
};
const LOOP_FLAGS: Record<string, FlagKind> = {
  'loop-run': 'string',
  'requested-iteration': 'string',
  'manager-decision-id': 'string',
};

export interface EnqueueVariant {
  name: string;
  type: DispatchCommandType;
  direction: string;
  inbox: string;
}

export function enqueueCommandDef(v: EnqueueVariant): CommandDef {
  const isContinue = v.type === 'continue_iteration';
  const loopUsage = isContinue ? ' --loop-run RUN --requested-iteration N [--manager-decision-id N]' : '';
  return defineCommand({
    name: v.name,
    flags: isContinue ? { ...BASE_FLAGS, ...LOOP_FLAGS } : BASE_FLAGS,
    help: `usage: conveyor ${v.name} TASK --message TEXT${loopUsage} [--correlation-id ID] [--idempotency-key KEY] [--required-permission P] [--json] [--path <workerctl.db>]

Queues a ${v.type} command (${v.direction}) for TASK. Nothing is delivered until a dispatcher pass claims it:
run \`conveyor dispatch --once --type ${v.type}\` or keep \`conveyor dispatch --watch\` running; the target then
reads it with \`conveyor ${v.inbox} TASK --consume-next\`. --idempotency-key must be unique (a repeat is refused).
A finished task takes no new commands.${isContinue ? '\n--loop-run names a Ralph-loop run of the task; --requested-iteration must be after its current iteration.' : ''}

examples:
  conveyor ${v.name} app-loop --message 'Status and evidence?'${isContinue ? ' --loop-run app-loop-ralph-loop --requested-iteration 2' : ''} --json --path /tmp/demo/workerctl.db
  conveyor dispatch --once --type ${v.type} --path /tmp/demo/workerctl.db
`,
    run(ctx) {
      const { flags } = ctx;
      flags.reject(REJECTED);
      checkUniversalValues(flags);
      const taskArg = requirePositional(flags, 'a task');
      flags.maxPositionals(1);
      const message = flags.string('message');
      if (message === undefined || message.trim() === '')
        throw new UsageError(`${v.type} message must be non-empty (--message)`);
      const loopRun = flags.string('loop-run');
      const requested = flags.number('requested-iteration', LOOP_ITERATION);
      const decisionId = flags.number('manager-decision-id', ROW_ID);
      if (isContinue && (loopRun === undefined || requested === undefined))
        throw new UsageError(`${v.name} requires --loop-run and --requested-iteration.`);
      const db = ctx.db();
      const task = requireOpenTask(db, taskArg);
      const payload: Record<string, unknown> = { message };
      const output: Record<string, unknown> = {};
      if (isContinue) {
        const { run, policy } = requireContinuableRun(db, task.id, loopRun as string, requested as number);
        payload.ralph_loop = { requested_iteration: requested, run_id: run.id };
        payload.loop_policy = policy;
        if (decisionId !== undefined) payload.manager_decision = { decision_id: decisionId };
        Object.assign(output, {
          loop_policy: policy,
          loop_run_id: loopRun,
          manager_decision_id: decisionId ?? null,
          requested_iteration: requested,
        });
      }
      const permission = flags.string('required-permission');
      if (permission !== undefined) resolvePermission(permission);
      const command = enqueueCommand(
        db,
        {
          taskId: task.id,
          type: v.type,
          payload,
          correlationId: flags.string('correlation-id'),
          idempotencyKey: flags.string('idempotency-key'),
          requiredPermission: permission ?? null,
        },
        ctx.now(),
      );
      if (!flags.bool('json')) return { text: `queued ${command.type} command ${command.id}` };
      return {
        json: {
          ...output,
          command_id: command.id,
          command_type: command.type,
          correlation_id: command.correlation_id,
          required_permission: command.required_permission,
          task: taskArg,
        },
      };
    },
  });
}
