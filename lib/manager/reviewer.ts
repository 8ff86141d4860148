// The continuation reviewer: runs a reviewer command (a subagent that is not the manager's session) on the
// worker's and the manager's proposals and records its verdict as a continuation review. The command only ever
// runs under macOS sandbox-exec; wherever that is missing (Linux, always) or the run goes wrong in any way, the
// review fails closed: a recorded divergent/stop verdict that routes the decision to the operator.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { listCriteria } from '../criteria/criteria.js';
import { UsageError } from '../errors.js';
import { stableJson } from '../store/json.js';
import type { Db } from '../store/open.js';
import { isObject } from '../sessions/rollout.js';
import type { TaskRow } from '../tasks/tasks.js';
import { getManagerConfig } from './config.js';
import {
  recordReview,
  requireReviewerPermission,
  reviewPair,
  validateReview,
  type Continuation,
  type ReviewResult,
} from './continuation.js';
import { emptyPermissions } from './permissions.js';

const ALLOWED_CONTEXT = [
  'task',
  'correlation_id',
  'worker_continuation',
  'manager_continuation',
  'acceptance_criteria',
  'manager_config_summary',
  'diff',
  'recent_pull_requests',
  'constraints',
];
const SANDBOX_PROFILE = '(version 1)\n(allow default)\n';
const SANDBOX_PROFILE_NAME = 'deny-state-root-bound-session-and-db-read';
const FAIL_CLOSED_ADDENDUM = 'The reviewer did not return a usable verdict: do not proceed without an operator review.';

export interface ReviewerInput {
  correlationId: string;
  reviewerSessionId: string;
  managerSessionId: string;
  /** The reviewer's argv; empty is allowed only for a dry run. */
  command: readonly string[];
  timeoutSeconds?: number;
  /** The folder whose git diff and pull requests go into the context. */
  repoDir: string;
  env?: NodeJS.ProcessEnv;
}

function onPath(name: string, env: NodeJS.ProcessEnv): boolean {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    try {
      const file = join(dir, name);
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}

function proposal(c: Continuation) {
  return { created_at: c.created_at, id: c.id, payload: c.payload, revision: c.revision };
}

function gitContext(repoDir: string, env: NodeJS.ProcessEnv) {
  const runs: Array<[string, string[]]> = [
    ['branch_diff_name_only', ['diff', '--name-only', 'main...HEAD']],
    ['branch_diff_stat', ['diff', '--stat', 'main...HEAD']],
    ['working_tree_diff_name_only', ['diff', '--name-only', 'HEAD']],
    ['working_tree_diff_stat', ['diff', '--stat', 'HEAD']],
  ];
  const out: Record<string, string | null> = { error: null };
  for (const [key, args] of runs) {
    const run = spawnSync('git', args, { cwd: repoDir, encoding: 'utf8', timeout: 10_000, env });
    if (run.status === 0) out[key] = (run.stdout ?? '').slice(-5000);
    else {
      out[key] = '';
      out.error ??= ((run.stderr ?? '') || String(run.error?.message ?? 'git failed')).slice(-1000);
    }
  }
  return out;
}

function recentPullRequests(repoDir: string, env: NodeJS.ProcessEnv): unknown[] {
  if (!onPath('gh', env)) return [];
  const run = spawnSync(
    'gh',
    ['pr', 'list', '--state', 'all', '--limit', '5', '--json', 'number,title,state,mergedAt,url'],
    {
      cwd: repoDir,
      encoding: 'utf8',
      timeout: 15_000,
      env,
    },
  );
  if (run.status !== 0) return [];
  try {
    const value: unknown = JSON.parse(run.stdout);
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

/** What the reviewer is shown: the two proposals, the criteria, a config summary, the diff; never a rollout. */
export function reviewerContext(
  db: Db,
  task: TaskRow,
  correlationId: string,
  pair: { worker: Continuation; manager: Continuation },
  repoDir: string,
  env: NodeJS.ProcessEnv,
) {
  const config = getManagerConfig(db, task.id);
  return {
    acceptance_criteria: listCriteria(db, task.id),
    allowed_context: ALLOWED_CONTEXT,
    constraints: {
      manager_rollout_access: false,
      read_only: true,
      return_json_schema: {
        addendum: 'optional string',
        agreement: 'match | compatible | divergent',
        rationale: 'string',
        verdict: 'proceed | amend | stop',
      },
    },
    correlation_id: correlationId,
    diff: gitContext(repoDir, env),
    manager_config_summary: {
      acceptance_criteria: config?.acceptance_criteria ?? [],
      epilogues: config?.epilogues ?? [],
      nudge_on_completion: config?.nudge_on_completion ?? 'ask-operator',
      permissions: config?.permissions ?? emptyPermissions(),
      tools: config?.tools ?? [],
    },
    manager_continuation: proposal(pair.manager),
    recent_pull_requests: recentPullRequests(repoDir, env),
    task: { goal: task.goal, id: task.id, name: task.name, state: task.state },
    worker_continuation: proposal(pair.worker),
  };
}

/** Checks shared by the dry run and the real run: permission, then both proposals. */
export function prepareReview(db: Db, task: TaskRow, input: ReviewerInput) {
  requireReviewerPermission(db, task.id, 'continuation reviewer');
  const pair = reviewPair(db, task.id, input.correlationId);
  return {
    pair,
    context: reviewerContext(db, task, input.correlationId, pair, input.repoDir, input.env ?? process.env),
  };
}

export function reviewerDryRun(db: Db, task: TaskRow, input: ReviewerInput) {
  return { context: prepareReview(db, task, input).context, reviewer_command: [...input.command] };
}

interface Attempt {
  review?: Record<string, unknown>;
  failure?: {
    error: string;
    rationale: string;
    returncode: number | null;
    setupError?: string;
    sandboxEnabled: boolean;
  };
  durationMs: number;
}

function attemptReview(context: unknown, input: ReviewerInput, env: NodeJS.ProcessEnv): Attempt {
  if (!onPath('sandbox-exec', env)) {
    const reason = 'sandbox-exec not available';
    return {
      failure: {
        error: reason,
        rationale: reason,
        returncode: null,
        setupError: 'sandbox-exec was not found on PATH, so the reviewer command was not run',
        sandboxEnabled: false,
      },
      durationMs: 0,
    };
  }
  const started = Date.now();
  const run = spawnSync('sandbox-exec', ['-p', SANDBOX_PROFILE, ...input.command], {
    cwd: tmpdir(),
    input: stableJson(context),
    encoding: 'utf8',
    timeout: (input.timeoutSeconds ?? 15) * 1000,
    env,
  });
  const durationMs = Date.now() - started;
  const fail = (error: string): Attempt => ({
    failure: { error, rationale: error, returncode: run.status, sandboxEnabled: true },
    durationMs,
  });
  if (run.error) return fail(`reviewer command failed to run: ${run.error.message}`);
  if (run.status !== 0) return fail(`reviewer command exited with ${String(run.status ?? run.signal)}`);
  let value: unknown;
  try {
    value = JSON.parse(run.stdout);
  } catch {
    return fail('reviewer command did not print a JSON object');
  }
  if (!isObject(value)) return fail('reviewer command did not print a JSON object');
  const given = isObject(value.subagent_run) ? value.subagent_run : {};
  const review = {
    ...value,
    subagent_run: {
      ...given,
      allowed_context: ALLOWED_CONTEXT,
      duration_ms: durationMs,
      manager_rollout_access: false,
      manager_session_id: input.managerSessionId,
      returncode: run.status,
      reviewer_session_id: input.reviewerSessionId,
      runner: input.command[0],
      runner_arg_count: input.command.length,
      sandbox: { denied_path_count: 0, enabled: true, engine: 'sandbox-exec', profile: SANDBOX_PROFILE_NAME },
      status: 'succeeded',
    },
  };
  try {
    validateReview(review);
  } catch (error) {
    return fail(`reviewer returned an invalid review: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { review, durationMs };
}

/** Runs the reviewer and records its review, or a fail-closed one (divergent, stop, routed to the operator). */
export function runContinuationReviewer(db: Db, task: TaskRow, input: ReviewerInput, now: Date): ReviewResult {
  const env = input.env ?? process.env;
  const { pair, context } = prepareReview(db, task, input);
  if (input.command.length === 0)
    throw new UsageError('continuation-reviewer requires --reviewer-command unless --dry-run is used');
  const attempt = attemptReview(context, input, env);
  let review = attempt.review;
  if (!review) {
    const f = attempt.failure as NonNullable<Attempt['failure']>;
    const sandbox: Record<string, unknown> = {
      denied_path_count: 0,
      enabled: f.sandboxEnabled,
      engine: 'sandbox-exec',
      profile: SANDBOX_PROFILE_NAME,
    };
    if (f.setupError !== undefined) sandbox.setup_error = f.setupError;
    review = {
      addendum: FAIL_CLOSED_ADDENDUM,
      agreement: 'divergent',
      rationale: f.rationale,
      verdict: 'stop',
      subagent_run: {
        duration_ms: attempt.durationMs,
        error: f.error,
        manager_rollout_access: false,
        manager_session_id: input.managerSessionId,
        returncode: f.returncode,
        reviewer_session_id: input.reviewerSessionId,
        runner: input.command[0],
        runner_arg_count: input.command.length,
        sandbox,
        status: 'failed',
        stderr_redacted: false,
        stdout_redacted: false,
      },
    };
  }
  return recordReview(db, task, pair, input.correlationId, review, now);
}
