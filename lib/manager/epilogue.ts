// Epilogue steps: what the manager runs at the end of a task (run-tools, draft-pr, subagent-review,
// record-handoff), as configured in the task's manager config. Each run is one epilogue_runs row in a terminal
// state; the status (one entry per configured step, from its newest run) is what finish-task --require-epilogue
// checks.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { isoMillis, isoSeconds } from '../clock.js';
import { UsageError } from '../errors.js';
import { appendEvent } from '../store/events.js';
import { parseJsonObject, stableJson } from '../store/json.js';
import type { Db } from '../store/open.js';
import type { TaskRow } from '../tasks/tasks.js';
import { randomUuid } from '../store/ids.js';
import { getManagerConfig } from './config.js';
import { latestHandoff } from './handoff.js';

export interface EpilogueRun {
  correlation_id: string | null;
  error: string | null;
  finished_at: string | null;
  id: number;
  result: unknown;
  started_at: string;
  state: 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';
  step_name: string;
  task_id: string;
}

export interface EpilogueStepStatus {
  latest_run: EpilogueRun | null;
  ok: boolean;
  state: string;
  step_name: string;
}

export interface EpilogueStatus {
  missing_or_incomplete: string[];
  ok: boolean;
  required_steps: string[];
  steps: EpilogueStepStatus[];
}

export interface EpilogueView {
  configured_steps: string[];
  runs: EpilogueRun[];
  status: EpilogueStatus;
  task: { id: string; name: string };
}

interface RunRow extends Omit<EpilogueRun, 'result'> {
  result_json: string | null;
}

function toRun({ result_json, ...row }: RunRow): EpilogueRun {
  let result: unknown = null;
  if (result_json !== null) {
    try {
      result = JSON.parse(result_json);
    } catch {
      result = null;
    }
  }
  return { ...row, result };
}

const RUN_COLUMNS = 'id, task_id, step_name, state, started_at, finished_at, result_json, error, correlation_id';

export function configuredEpilogueSteps(db: Db, taskId: string): string[] {
  return getManagerConfig(db, taskId)?.epilogues ?? [];
}

export function listEpilogueRuns(db: Db, taskId: string): EpilogueRun[] {
  return db
    .prepare<[string], RunRow>(`select ${RUN_COLUMNS} from epilogue_runs where task_id = ? order by id`)
    .all(taskId)
    .map(toRun);
}

/** One entry per configured step from its newest run; no configured steps means ok (as in 0.1.12). */
export function epilogueStatus(db: Db, taskId: string): EpilogueStatus {
  const required = configuredEpilogueSteps(db, taskId);
  const latest = db.prepare<[string, string], RunRow>(
    `select ${RUN_COLUMNS} from epilogue_runs where task_id = ? and step_name = ? order by id desc limit 1`,
  );
  const steps = required.map((step): EpilogueStepStatus => {
    const row = latest.get(taskId, step);
    const run = row ? toRun(row) : null;
    return { latest_run: run, ok: run?.state === 'succeeded', state: run?.state ?? 'pending', step_name: step };
  });
  const missing = steps.filter((s) => !s.ok).map((s) => s.step_name);
  return { missing_or_incomplete: missing, ok: missing.length === 0, required_steps: required, steps };
}

export function epilogueView(db: Db, task: Pick<TaskRow, 'id' | 'name'>): EpilogueView {
  return {
    configured_steps: configuredEpilogueSteps(db, task.id),
    runs: listEpilogueRuns(db, task.id),
    status: epilogueStatus(db, task.id),
    task: { id: task.id, name: task.name },
  };
}

interface StepOutcome {
  state: 'succeeded' | 'failed';
  result: unknown;
  error: string | null;
}

/** The file a bare program name runs, found on PATH; undefined when there is none. */
function findProgram(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const candidates =
    name.includes('/') || isAbsolute(name)
      ? [name]
      : (env.PATH ?? '')
          .split(delimiter)
          .filter(Boolean)
          .map((dir) => join(dir, name));
  for (const file of candidates) {
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here; try the next folder
    }
  }
  return undefined;
}

function tail(text: string, max: number): string {
  return text.length > max ? text.slice(-max) : text;
}

function runTools(tools: readonly string[], options: EpilogueOptions): StepOutcome {
  const checked: Array<{ returncode: number | null; stderr: string; stdout: string; tool: string }> = [];
  for (const tool of tools) {
    if (!findProgram(tool, options.env ?? process.env))
      return { state: 'failed', result: { tools: checked }, error: `configured tool not found: ${tool}` };
    // The tool string is the program itself (no shell), as in 0.1.12: "npm test" is not a runnable tool.
    const run = spawnSync(tool, ['--version'], {
      cwd: options.cwd,
      encoding: 'utf8',
      timeout: 30_000,
      env: options.env,
    });
    checked.push({
      returncode: run.status,
      stderr: tail(run.stderr ?? '', 1000),
      stdout: tail(run.stdout ?? '', 1000),
      tool,
    });
    if (run.status !== 0)
      return {
        state: 'failed',
        result: { tools: checked },
        error: `configured tool failed: ${tool} --version exited with ${String(run.status)}`,
      };
  }
  return { state: 'succeeded', result: { tool_count: tools.length, tools: checked }, error: null };
}

function draftPr(db: Db, task: Pick<TaskRow, 'id' | 'name'>): StepOutcome {
  const count = (sql: string) => db.prepare<[string], { n: number }>(sql).get(task.id)?.n ?? 0;
  return {
    state: 'succeeded',
    result: {
      acceptance_criteria_count: count('select count(*) as n from acceptance_criteria where task_id = ?'),
      command_count: count('select count(*) as n from commands where task_id = ?'),
      event_count: count('select count(*) as n from events where task_id = ?'),
      summary: `Task ${task.name} epilogue draft ready from audit data.`,
    },
    error: null,
  };
}

function subagentReview(db: Db, taskId: string): StepOutcome {
  const row = db
    .prepare<[string], { id: number; agreement: string; verdict: string; subagent_run_json: string }>(
      'select id, agreement, verdict, subagent_run_json from continuation_reviews where task_id = ? order by id desc limit 1',
    )
    .get(taskId);
  if (!row) return { state: 'failed', result: null, error: 'subagent-review requires a recorded continuation review' };
  const run = parseJsonObject(row.subagent_run_json);
  return {
    state: 'succeeded',
    result: {
      agreement: row.agreement,
      continuation_review_id: row.id,
      operator_routing_required: run.operator_routing_required === true,
      verdict: row.verdict,
    },
    error: null,
  };
}

function recordHandoffStep(db: Db, taskId: string): StepOutcome {
  const handoff = latestHandoff(db, taskId);
  if (!handoff) return { state: 'failed', result: null, error: 'record-handoff requires a recorded worker handoff' };
  return { state: 'succeeded', result: { handoff_id: handoff.id, summary: handoff.summary }, error: null };
}

export interface EpilogueOptions {
  correlationId?: string;
  /** Where run-tools runs each `<tool> --version`. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs one configured step and records its outcome (a failed step is recorded too, and is not an error).
 * A step the task's config does not list is refused.
 */
export function runEpilogueStep(
  db: Db,
  task: Pick<TaskRow, 'id' | 'name'>,
  step: string,
  now: Date,
  options: EpilogueOptions = {},
): EpilogueRun {
  if (!configuredEpilogueSteps(db, task.id).includes(step))
    throw new UsageError(`epilogue step "${step}" is not configured for task ${task.name}`);
  let outcome: StepOutcome;
  if (step === 'run-tools') outcome = runTools(getManagerConfig(db, task.id)?.tools ?? [], options);
  else if (step === 'draft-pr') outcome = draftPr(db, task);
  else if (step === 'subagent-review') outcome = subagentReview(db, task.id);
  else outcome = recordHandoffStep(db, task.id);
  const at = isoSeconds(now);
  const correlationId = options.correlationId ?? `epilogue-${randomUuid()}`;
  return db
    .transaction((): EpilogueRun => {
      const id = Number(
        db
          .prepare(
            'insert into epilogue_runs(task_id, step_name, state, started_at, finished_at, result_json, error, correlation_id) values (?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(
            task.id,
            step,
            outcome.state,
            at,
            at,
            outcome.result === null ? null : stableJson(outcome.result),
            outcome.error,
            correlationId,
          ).lastInsertRowid,
      );
      appendEvent(db, {
        createdAt: isoMillis(now),
        type: 'epilogue_step_recorded',
        taskId: task.id,
        correlationId,
        payload: { epilogue_run_id: id, state: outcome.state, step_name: step },
      });
      return toRun(
        db.prepare<[number], RunRow>(`select ${RUN_COLUMNS} from epilogue_runs where id = ?`).get(id) as RunRow,
      );
    })
    .immediate();
}
