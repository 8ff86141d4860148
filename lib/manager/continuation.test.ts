import { describe, expect, it } from 'vitest';
import { ConflictError, UsageError } from '../errors.js';
import { at, corePair, T0 } from '../tasks/core-fixture.test-support.js';
import { recordManagerConfig } from './config.js';
import {
  listContinuations,
  parseStdinObject,
  recordReview,
  requireReviewerPermission,
  reviewPair,
  submitContinuation,
} from './continuation.js';
import { runContinuationReviewer, reviewerDryRun } from './reviewer.js';

const review = (over: Record<string, unknown> = {}, run: Record<string, unknown> = {}) => ({
  agreement: 'match',
  verdict: 'proceed',
  rationale: 'r',
  subagent_run: { reviewer_session_id: 'rev', manager_session_id: 'mgr', manager_rollout_access: false, ...run },
  ...over,
});

function proposals() {
  const pair = corePair();
  const { db, task } = pair;
  submitContinuation(db, task, { proposer: 'worker', payload: { next: 'a' } }, T0);
  submitContinuation(db, task, { proposer: 'worker', payload: { next: 'b' }, correlationId: 'c1' }, T0);
  submitContinuation(db, task, { proposer: 'worker', payload: { next: 'c' }, correlationId: 'pending' }, T0);
  submitContinuation(db, task, { proposer: 'manager', payload: { agree: true }, correlationId: 'c1' }, at(1));
  return pair;
}

describe('continuations', () => {
  it('numbers revisions per proposer and needs a worker proposal before the manager answers', () => {
    const { db, task } = corePair();
    expect(submitContinuation(db, task, { proposer: 'worker', payload: {} }, T0)).toMatchObject({
      revision: 1,
      proposer: 'worker',
    });
    expect(submitContinuation(db, task, { proposer: 'worker', payload: {}, correlationId: 'c' }, T0).revision).toBe(2);
    expect(() => submitContinuation(db, task, { proposer: 'manager', payload: {} }, T0)).toThrow(UsageError);
    expect(() => submitContinuation(db, task, { proposer: 'manager', payload: {}, correlationId: 'none' }, T0)).toThrow(
      ConflictError,
    );
    expect(submitContinuation(db, task, { proposer: 'manager', payload: {}, correlationId: 'c' }, T0).revision).toBe(1);
    const actor = db
      .prepare(`select actor from events where type = 'task_continuation_recorded' order by id desc limit 1`)
      .get();
    expect(actor).toEqual({ actor: 'manager' });
    expect(() => parseStdinObject('[1, 2]')).toThrow(UsageError);
    expect(() => parseStdinObject('not json')).toThrow(UsageError);
  });

  it('redacts payloads unless asked, and hides unanswered worker proposals from the manager', () => {
    const { db, task } = proposals();
    expect(listContinuations(db, task).continuations.every((c) => c.payload_redacted === true)).toBe(true);
    const asManager = listContinuations(db, task, { includePayload: true, asRole: 'manager' }).continuations;
    expect(asManager.map((c) => c.payload !== undefined)).toEqual([false, true, false, true]);
    expect(() =>
      listContinuations(db, task, { includePayload: true, asRole: 'manager', correlationId: 'pending' }),
    ).toThrow(ConflictError);
    expect(listContinuations(db, task, { correlationId: 'c1', includePayload: true }).continuations).toHaveLength(2);
  });

  it('validates and records reviews; a divergent one is routed to the operator unless auto-proceed', () => {
    const { db, task } = proposals();
    expect(() => requireReviewerPermission(db, task.id, 'continuation review')).toThrow(ConflictError);
    recordManagerConfig(db, task, { permit: ['context.spawn_reviewer'] }, T0);
    expect(() => reviewPair(db, task.id, 'pending')).toThrow(/manager proposal/);
    const pair = reviewPair(db, task.id, 'c1');
    expect(() => recordReview(db, task, pair, 'c1', { agreement: 'match' }, T0)).toThrow(
      /rationale, subagent_run, verdict/,
    );
    expect(() => recordReview(db, task, pair, 'c1', review({}, { manager_session_id: 'rev' }), T0)).toThrow(/distinct/);
    expect(() => recordReview(db, task, pair, 'c1', review({}, { manager_rollout_access: 'false' }), T0)).toThrow(
      /manager_rollout_access/,
    );
    const divergent = recordReview(db, task, pair, 'c1', review({ agreement: 'divergent', verdict: 'amend' }), T0);
    expect(divergent).toMatchObject({
      operator_routing_required: true,
      worker_continuation_id: 2,
      manager_continuation_id: 4,
      addendum: null,
    });
    expect(divergent.subagent_run).toMatchObject({
      nudge_on_completion: 'ask-operator',
      operator_routing_required: true,
    });
    recordManagerConfig(db, task, { nudgeOnCompletion: 'auto-proceed' }, T0);
    expect(recordReview(db, task, pair, 'c1', review({ agreement: 'divergent' }), T0).operator_routing_required).toBe(
      false,
    );
    expect(
      recordReview(db, task, pair, 'c1', review({ verdict: 'stop' }, { status: 'failed' }), T0)
        .operator_routing_required,
    ).toBe(true);
    expect(listContinuations(db, task).reviews[0]).not.toHaveProperty('operator_routing_required');
  });

  it('the reviewer prints its context on a dry run and, without sandbox-exec, records a fail-closed review', () => {
    const { db, task, dir } = proposals();
    recordManagerConfig(db, task, { permit: ['context.spawn_reviewer'] }, T0);
    const input = {
      correlationId: 'c1',
      reviewerSessionId: 'rev-a',
      managerSessionId: 'mgr-a',
      command: ['reviewer', '--strict'],
      repoDir: dir,
      env: { ...process.env, PATH: dir },
    };
    const dry = reviewerDryRun(db, task, input);
    expect(dry.reviewer_command).toEqual(['reviewer', '--strict']);
    expect(dry.context).toMatchObject({
      correlation_id: 'c1',
      recent_pull_requests: [],
      worker_continuation: { id: 2 },
      manager_continuation: { id: 4 },
    });
    const closed = runContinuationReviewer(db, task, input, T0);
    expect(closed).toMatchObject({
      agreement: 'divergent',
      verdict: 'stop',
      operator_routing_required: true,
      rationale: 'sandbox-exec not available',
    });
    expect(closed.subagent_run).toMatchObject({
      status: 'failed',
      returncode: null,
      runner: 'reviewer',
      runner_arg_count: 2,
      sandbox: { enabled: false, engine: 'sandbox-exec' },
    });
    const tel = db
      .prepare(
        `select severity, attributes_json from telemetry_events where event_type = 'continuation_review_recorded'`,
      )
      .get() as { severity: string; attributes_json: string };
    expect(tel.severity).toBe('warning');
    expect(JSON.parse(tel.attributes_json)).toMatchObject({
      reviewer_failure_routing_forced: true,
      reviewer_returncode: null,
      reviewer_status: 'failed',
    });
    expect(() => runContinuationReviewer(db, task, { ...input, command: [] }, T0)).toThrow(UsageError);
  });
});
