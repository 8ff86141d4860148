import { addCriterion, criteriaAudit, CRITERION_SOURCES, CRITERION_STATUSES, listCriteria, setCriterionStatus, type CriterionStatus } from '../../../criteria/criteria.js';
import { UsageError } from '../../../errors.js';
import { isObject } from '../../../sessions/rollout.js';
import { requireOpenTask, requireTask } from '../../../tasks/tasks.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues, requirePositional } from '../../flag-checks.js';
import { ROW_ID } from '../../../input-rules.js';
import { parseJsonInput } from '../../../store/json.js';

const TRANSITIONS: ReadonlyArray<readonly [string, CriterionStatus]> = [
  ['accept', 'accepted'],
  ['satisfy', 'satisfied'],
  ['defer', 'deferred'],
  ['reject', 'rejected'],
];

function evidenceOf(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  const value = parseJsonInput(text, '--evidence-json', '--evidence-json must be a JSON object');
  if (!isObject(value)) throw new UsageError('--evidence-json must be a JSON object');
  return value;
}

export default defineCommand({
  name: 'criteria',
  flags: {
    add: 'boolean',
    criterion: 'string',
    source: 'string',
    status: 'string',
    proof: 'string',
    rationale: 'string',
    'evidence-json': 'string',
    accept: 'string',
    satisfy: 'string',
    defer: 'string',
    reject: 'string',
  },
  help: `usage: conveyor criteria TASK [--json] [--path <workerctl.db>]
       conveyor criteria TASK --add --criterion TEXT --source user_requested|manager_inferred|worker_proposed|final_audit [--status S] [--proof TEXT] [--rationale TEXT] [--evidence-json OBJECT]
       conveyor criteria TASK --accept ID | --satisfy ID | --defer ID | --reject ID [--proof TEXT] [--rationale TEXT] [--evidence-json OBJECT]

The acceptance criteria of a task. Statuses: proposed (default), accepted (agreed and still open), satisfied,
deferred, rejected. \`conveyor finish-task TASK --require-criteria-audit\` refuses while any criterion is accepted.
Adding the same text from the same source again returns the existing criterion. Prints JSON.

examples:
  conveyor criteria app-loop --add --criterion 'wake loop survives a stale worker' --source user_requested --status accepted --path /tmp/demo/workerctl.db
  conveyor criteria app-loop --satisfy 1 --proof 'tests/wake.test.ts passes' --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    checkUniversalValues(flags);
    const taskArg = requirePositional(flags, 'a task');
    flags.maxPositionals(1);
    const transitions = TRANSITIONS.filter(([flag]) => flags.has(flag));
    if (transitions.length > 1 || (transitions.length === 1 && flags.bool('add'))) throw new UsageError('criteria takes one of --add, --accept, --satisfy, --defer, --reject');
    const evidence = evidenceOf(flags.string('evidence-json'));
    const proof = flags.string('proof');
    const rationale = flags.string('rationale');
    const transition = transitions[0];
    const id = transition ? (flags.number(transition[0], ROW_ID) as number) : undefined; // checked before the database is opened
    const db = ctx.db();
    if (flags.bool('add')) {
      const criterion = flags.string('criterion');
      const source = flags.oneOf('source', CRITERION_SOURCES);
      if (criterion === undefined || source === undefined) throw new UsageError('criteria --add needs --criterion and --source');
      const task = requireOpenTask(db, taskArg);
      return { json: addCriterion(db, { taskId: task.id, criterion, source, status: flags.oneOf('status', CRITERION_STATUSES), proof, rationale, evidence }, ctx.now()) };
    }
    if (transition && id !== undefined) {
      const status = transition[1];
      const task = requireOpenTask(db, taskArg);
      return { json: setCriterionStatus(db, { id, taskId: task.id, status, proof, rationale, evidence }, ctx.now()) };
    }
    const task = requireTask(db, taskArg);
    const audit = criteriaAudit(db, task.id, false);
    return { json: { criteria: listCriteria(db, task.id), open_criteria: audit.open_criteria, summary: audit.summary, task: { id: task.id, name: task.name }, total: audit.total } };
  },
});
