import { UsageError } from '../../../errors.js';
import {
  LIST_ROLES,
  listContinuations,
  parseStdinObject,
  recordReview,
  requireReviewerPermission,
  reviewPair,
  submitContinuation,
  type ListRole,
} from '../../../manager/continuation.js';
import { requireTask } from '../../../tasks/tasks.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues } from '../../flag-checks.js';
import { taskArgument } from './options.js';

export default defineCommand({
  name: 'continuation',
  flags: {
    submit: 'string',
    review: 'boolean',
    list: 'boolean',
    'from-stdin': 'boolean',
    'correlation-id': 'string',
    'include-payload': 'boolean',
    'as-role': 'string',
  },
  help: `usage: conveyor continuation TASK --submit worker|manager --from-stdin [--correlation-id ID] [--path <workerctl.db>]
       conveyor continuation TASK --review --from-stdin --correlation-id ID [--path <workerctl.db>]
       conveyor continuation TASK --list [--correlation-id ID] [--include-payload] [--as-role all|worker|manager|reviewer] [--path <workerctl.db>]

The worker proposes what comes next (a JSON object on stdin; the correlation id defaults to continuation-<uuid>),
the manager answers under the same correlation id, and a reviewer subagent records a review
({agreement: match|compatible|divergent, verdict: proceed|amend|stop, rationale, addendum?, subagent_run:
{reviewer_session_id, manager_session_id (different), manager_rollout_access: false, ...}}). Reviews need the
manager permission context.spawn_reviewer. A divergent review (unless nudge-on-completion is auto-proceed) or a
stop from a failed reviewer sets operator_routing_required. --list redacts payloads unless --include-payload; read
as the manager, a worker proposal stays redacted until the manager has answered it. Always prints JSON.
Kept from 0.1.12: --dry-run is accepted and ignored (--submit and --review still write).

examples:
  echo '{"next_task":"Write the API reference"}' | conveyor continuation docs-task --submit worker --from-stdin --correlation-id c1 --path /tmp/demo/workerctl.db
  conveyor continuation docs-task --list --include-payload --as-role worker --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    checkUniversalValues(flags);
    const submit = flags.string('submit');
    if (submit !== undefined && submit !== 'worker' && submit !== 'manager')
      throw new UsageError('continuation --submit must be worker or manager');
    const asRole = flags.string('as-role');
    if (asRole !== undefined && !(LIST_ROLES as readonly string[]).includes(asRole))
      throw new UsageError('continuation --as-role must be all, worker, manager, or reviewer');
    const review = flags.bool('review');
    if ((submit !== undefined || review) && !flags.bool('from-stdin'))
      throw new UsageError('continuation requires --from-stdin for --submit or --review');
    if ([submit !== undefined, review, flags.bool('list')].filter(Boolean).length !== 1)
      throw new UsageError('continuation requires exactly one of --submit, --review, or --list');
    const taskArg = taskArgument(flags);
    const correlationId = flags.string('correlation-id');
    const db = ctx.db();
    const task = requireTask(db, taskArg);
    if (submit !== undefined) {
      const payload = parseStdinObject(ctx.readStdin());
      return { json: submitContinuation(db, task, { proposer: submit, payload, correlationId }, ctx.now()) };
    }
    if (review) {
      if (correlationId === undefined) throw new UsageError('continuation --review requires --correlation-id');
      requireReviewerPermission(db, task.id, 'continuation review');
      const pair = reviewPair(db, task.id, correlationId);
      return { json: recordReview(db, task, pair, correlationId, parseStdinObject(ctx.readStdin()), ctx.now()) };
    }
    return {
      json: listContinuations(db, task, {
        correlationId,
        includePayload: flags.bool('include-payload'),
        asRole: asRole as ListRole | undefined,
      }),
    };
  },
});
