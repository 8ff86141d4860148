import {
  addCriterion,
  criteriaLedger,
  parseCriterionSource,
  parseCriterionStatus,
  setCriterionStatus,
  type CriterionStatus,
} from '../../../criteria/criteria.js';
import { UsageError } from '../../../errors.js';
import { requireTask } from '../../../tasks/tasks.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues } from '../../flag-checks.js';
import { objectFlag, refuseDryRun } from './options.js';
import { ROW_ID } from '../../../input-rules.js';

const TRANSITIONS: ReadonlyArray<readonly [string, CriterionStatus]> = [
  ['accept', 'accepted'],
  ['satisfy', 'satisfied'],
  ['defer', 'deferred'],
  ['reject', 'rejected'],
];

export default defineCommand({
  name: 'criteria',
  flags: {
    list: 'boolean',
    add: 'boolean',
    criterion: 'string',
    source: 'string',
    status: 'list',
    proof: 'string',
    rationale: 'string',
    'evidence-json': 'string',
    accept: 'string',
    satisfy: 'string',
    defer: 'string',
    reject: 'string',
  },
  help: `usage: conveyor criteria <task> [--list|--add --criterion <text> --source <source>|--accept ID|--satisfy ID|--defer ID|--reject ID] [--path <workerctl.db>] [--json]

Examples:
  conveyor criteria my-task --list --json --path /tmp/work/workerctl.db
  conveyor criteria my-task --add --criterion "Note file exists" --source manager_inferred --status accepted --path /tmp/work/workerctl.db
  conveyor criteria my-task --satisfy 1 --proof "File exists" --evidence-json '{"artifact":{"path":"docs/note.md"}}' --path /tmp/work/workerctl.db

Exactly one action. Every call prints the task's ledger as JSON: {affected_criterion (for --add and the four
moves), criteria, summary (counts of all criteria by status), task}. --list takes --status S (repeatable) to show
only those statuses. --add takes --source user_requested|manager_inferred|worker_proposed|final_audit, at most one
--status (proposed, the default, accepted, satisfied, deferred, rejected), --proof, --rationale, --evidence-json
OBJECT; adding the same text from the same source again returns the existing criterion unchanged. --accept,
--satisfy, --defer and --reject move a criterion of this task to that status from any status (as in 0.1.12);
--proof and --rationale replace the old ones only when given, --evidence-json replaces the evidence whole.
finish-task --require-criteria-audit refuses while any criterion is accepted. --dry-run is refused.
`,
  run(ctx) {
    const { flags } = ctx;
    checkUniversalValues(flags);
    const transitions = TRANSITIONS.filter(([flag]) => flags.has(flag));
    const ids = transitions.map(([flag, status]) => [flags.number(flag, ROW_ID) as number, status] as const);
    refuseDryRun(flags);
    const actionCount = transitions.length + (flags.bool('list') ? 1 : 0) + (flags.bool('add') ? 1 : 0);
    if (actionCount !== 1)
      throw new UsageError(
        'criteria requires exactly one action: --list, --add, --accept, --satisfy, --defer, or --reject.',
      );
    const taskArg = flags.positional(0);
    if (taskArg === undefined || taskArg === '') throw new UsageError('criteria command requires a task.');
    flags.maxPositionals(1);
    const evidence = objectFlag(flags, 'evidence-json', 'labelled');
    const db = ctx.db();
    const task = requireTask(db, taskArg);
    const statuses = flags.list('status');
    const proof = flags.string('proof');
    const rationale = flags.string('rationale');
    if (flags.bool('add')) {
      const criterion = flags.requireString('criterion', '--criterion is required with criteria --add');
      const sourceText = flags.requireString('source', '--source is required with criteria --add');
      if (statuses.length > 1) throw new UsageError('criteria --add accepts at most one --status');
      const status = statuses[0] === undefined ? undefined : parseCriterionStatus(statuses[0]);
      const source = parseCriterionSource(sourceText);
      const affected = addCriterion(
        db,
        { taskId: task.id, criterion, source, status, proof, rationale, evidence },
        ctx.now(),
      );
      return { json: criteriaLedger(db, task, { affected }) };
    }
    const move = ids[0];
    if (move) {
      if (statuses.length > 0) throw new UsageError('--status is only supported with criteria --list or --add');
      const [id, status] = move;
      const affected = setCriterionStatus(
        db,
        { id, taskId: task.id, taskName: task.name, status, proof, rationale, evidence },
        ctx.now(),
      );
      return { json: criteriaLedger(db, task, { affected }) };
    }
    return { json: criteriaLedger(db, task, { statuses: statuses.map(parseCriterionStatus) }) };
  },
});
