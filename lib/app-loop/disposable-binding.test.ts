import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConflictError } from '../errors.js';
import { tempDatabase } from '../testing.js';
import {
  createDisposableBinding,
  disposableRequiredList,
  heartbeatRecommendationsOfTask,
  isDisposableTask,
} from './disposable-binding.js';
import { createTask } from '../tasks/tasks.js';
import { T0 } from './fixture.test-support.js';

function db() {
  const t = tempDatabase(() => T0);
  onTestFinished(() => t.cleanup());
  return t;
}

describe('createDisposableBinding', () => {
  it('creates task, sessions with thread ids, rollouts and binding, and embeds heartbeat recommendations', () => {
    const t = db();
    const result = createDisposableBinding(
      t.db,
      {
        task: 'real-slice',
        cwd: t.dir,
        workerThreadId: 'worker-thread-123',
        workerThreadTitle: 'Real Worker Thread',
        managerThreadId: 'manager-thread-456',
        managerThreadTitle: 'Real Manager Thread',
        pid: 4242,
      },
      T0,
    );
    expect(result.task).toMatchObject({ created: true, name: 'real-slice', state: 'managed' });
    expect(result.run).toBeNull();
    expect(result.db_path).toBe(t.dbPath);
    expect(result.worker).toMatchObject({
      name: 'real-slice-worker',
      codex_app_thread_id: 'worker-thread-123',
      codex_app_thread_title: 'Real Worker Thread',
      tmux_session: null,
    });
    expect(result.manager).toMatchObject({ name: 'real-slice-manager', codex_app_thread_id: 'manager-thread-456' });
    expect(result.worker.communication).toMatchObject({
      session_kind: 'codex_app',
      receive_style: 'pull',
      delivery_mode: 'pull_required',
    });
    expect(result.worker.communication.poll_command).toBe(
      `conveyor worker-inbox 'real-slice' --consume-next --wait --timeout 60 --path '${t.dbPath}' --json`,
    );
    expect(result.worker.rollout_path).toBe(join(t.dir, 'disposable-sessions', 'rollout-real-slice-worker.jsonl'));
    const meta = JSON.parse(readFileSync(result.worker.rollout_path, 'utf8').trim());
    expect(meta).toMatchObject({ type: 'session_meta', payload: { id: 'codex-real-slice-worker', cwd: t.dir } });

    const hb = result.heartbeat_recommendations;
    expect(hb.interval_minutes).toBe(2);
    expect(hb.worker.poll_command).toContain("app-heartbeat 'real-slice' --role worker");
    expect(hb.manager.poll_command).toContain("app-heartbeat 'real-slice' --role manager");
    expect(hb.worker.direct_inbox_command).toBe(result.worker.communication.poll_command);
    expect(hb.manager.direct_inbox_command).toBe(result.manager.communication.poll_command);
    expect(hb.status_command).toContain("app-loop-status 'real-slice' --path");
    expect(hb.wakeup_plan_command).toContain("app-wakeup-plan 'real-slice' --path");
    expect(hb.wakeup_dispatch_command).toContain("app-wakeup-dispatch 'real-slice' --path");
    expect(hb.delivery_receipt_commands.sent).toContain(
      '--dispatch-receipt <receipt.event_id> --delivery-status sent --thread-id <action.thread.id>',
    );
    expect(hb.delivery_receipt_commands.skipped).toContain('--delivery-status skipped');
    expect(hb.delivery_receipt_commands.blocked).toContain('--delivery-status blocked');
    expect(hb.delivery_receipt_commands.note).toContain('send_ready=true');
    expect(hb.teardown_policy).toMatchObject({ owner: 'manager_or_operator' });
    expect(hb.teardown_policy.idle_poll).toMatch(/^Never delete/);
    expect(hb.teardown_policy.terminal_closeout).toContain('terminal manager decision');
    expect(hb.teardown_policy.worker_rule).toContain('must not own loop teardown');
    expect(hb.manager.prompt).toContain('send_ready=true');
    expect(hb.manager.prompt).toContain(hb.delivery_receipt_commands.sent);
    expect(hb.manager.prompt).toContain(hb.teardown_policy.terminal_closeout_command);
    expect(hb.worker.prompt).toContain('compact evidence for any completion claim');
    expect(result.worker_handoff).toContain(`Run: ${result.worker.communication.poll_command}`);

    const binding = t.db.prepare('select state from bindings where id = ?').get(result.binding.id) as { state: string };
    expect(binding.state).toBe('active');
    const sessions = t.db.prepare('select name, pid, last_heartbeat_at from sessions order by name').all();
    expect(sessions).toEqual([
      { name: 'real-slice-manager', pid: 4242, last_heartbeat_at: '2026-06-11T12:00:00.000Z' },
      { name: 'real-slice-worker', pid: 4242, last_heartbeat_at: '2026-06-11T12:00:00.000Z' },
    ]);
    const events = t.db.prepare("select type from events where type = 'disposable_binding_created'").all();
    expect(events).toHaveLength(1);
  });

  it('reuses an existing task and refuses a second live binding for it', () => {
    const t = db();
    createDisposableBinding(t.db, { task: 'loop', cwd: t.dir }, T0);
    expect(() => createDisposableBinding(t.db, { task: 'loop', worker: 'w2', manager: 'm2', cwd: t.dir }, T0)).toThrow(
      ConflictError,
    );
    t.db.prepare("update bindings set state = 'ended'").run();
    const again = createDisposableBinding(t.db, { task: 'loop', worker: 'w2', manager: 'm2', cwd: t.dir }, T0);
    expect(again.task.created).toBe(false);
  });

  it('refuses a finished task', () => {
    const t = db();
    createDisposableBinding(t.db, { task: 'loop', cwd: t.dir }, T0);
    t.db.prepare("update bindings set state = 'ended'").run();
    t.db.prepare("update tasks set state = 'done'").run();
    expect(() => createDisposableBinding(t.db, { task: 'loop', worker: 'w2', manager: 'm2', cwd: t.dir }, T0)).toThrow(
      /done/,
    );
  });

  it('refuses a session name registered with the other role', () => {
    const t = db();
    createDisposableBinding(t.db, { task: 'one', worker: 'alpha', manager: 'beta', cwd: t.dir }, T0);
    expect(() =>
      createDisposableBinding(t.db, { task: 'two', worker: 'beta', manager: 'gamma', cwd: t.dir }, T0),
    ).toThrow(ConflictError);
  });
});

describe('createDisposableBinding loop runs (G2)', () => {
  it('creates a template policy run with extra required evidence and loop replay commands', () => {
    const t = db();
    const result = createDisposableBinding(
      t.db,
      {
        task: 'rt',
        cwd: t.dir,
        loop: {
          template: 'pr_ci_merge_loop',
          requiredBeforeContinue: disposableRequiredList(['extra'], true),
          runName: 'my-run',
          maxIterations: 5,
          currentIteration: 0,
          seedPromptSha256: 'abc123',
        },
      },
      T0,
    );
    expect(result.run).toMatchObject({ name: 'my-run', purpose: 'ralph_loop', status: 'finished' });
    expect(result.run?.metadata).toMatchObject({
      max_iterations: 5,
      current_iteration: 0,
      template: 'pr_ci_merge_loop',
      required_before_continue: ['pr_url', 'ci_green', 'merge', 'adversarial_check', 'extra'],
    });
    expect(result.replay_commands).toHaveLength(5);
    expect(result.replay_commands[0]).toContain(
      "--template 'pr_ci_merge_loop' --required-before-continue 'extra' --required-before-continue 'adversarial_check' --run-name 'my-run'",
    );
    expect(result.worker_handoff).toContain('for Ralph loop run my-run');
  });

  it('makes a custom run only for a non-empty required list, and checks iterations after the binding', () => {
    const t = db();
    const plain = createDisposableBinding(
      t.db,
      { task: 'plain', cwd: t.dir, loop: { runName: 'ignored', maxIterations: 9 } },
      T0,
    );
    expect(plain.run).toBeNull();
    const custom = createDisposableBinding(
      t.db,
      {
        task: 'rbc',
        cwd: t.dir,
        loop: { requiredBeforeContinue: disposableRequiredList(['tests_pass', ' ci_green ', 'tests_pass'], false) },
      },
      T0,
    );
    expect(custom.run?.metadata).toEqual({
      cleanup_policy: 'clear',
      current_iteration: 1,
      kind: 'ralph_loop',
      max_iterations: 2,
      policy_record: true,
      preset: null,
      required_before_continue: ['tests_pass', 'ci_green'],
      seed_prompt_sha256: null,
      source: 'create-disposable-binding',
      stop_conditions: ['max_iterations', 'required_evidence'],
    });
    expect(() => disposableRequiredList(['ok', ' '], false)).toThrow(/non-empty/);
    expect(() =>
      createDisposableBinding(
        t.db,
        { task: 'bad', cwd: t.dir, loop: { requiredBeforeContinue: ['x'], maxIterations: 0 } },
        T0,
      ),
    ).toThrow(/at least 1/);
    const left = t.db
      .prepare(`select b.state from bindings b join tasks t on t.id = b.task_id where t.name = 'bad'`)
      .get();
    expect(left).toEqual({ state: 'active' });
  });
});

describe('heartbeatRecommendationsOfTask', () => {
  it('recommends heartbeats only for a pair bound by create-disposable-binding', () => {
    const t = db();
    const result = createDisposableBinding(
      t.db,
      { task: 'real-slice', cwd: t.dir, workerThreadId: 'w-1', managerThreadId: 'm-1', pid: 4242 },
      T0,
    );
    const other = createTask(t.db, { name: 'plain', goal: 'g' }, T0);
    expect(isDisposableTask(t.db, result.task.id)).toBe(true);
    expect(isDisposableTask(t.db, other.id)).toBe(false);
    expect(heartbeatRecommendationsOfTask(t.db, { id: other.id, name: 'plain' }, t.dbPath)).toBeNull();
    expect(heartbeatRecommendationsOfTask(t.db, { id: result.task.id, name: 'real-slice' }, t.dbPath)).toEqual(
      result.heartbeat_recommendations,
    );
  });
});
