// The core commands through the real bin/conveyor: help, refusals, exit codes and a whole pair's loop with a
// fixed clock (CONVEYOR_NOW). Only the inbox --wait case waits for real, and only for 0.2 s.
import { existsSync, appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir, type TempDir } from '../lib/testing.js';
import Database from 'better-sqlite3';

const NOW = '2026-06-11T12:00:00Z';
const CORE_COMMANDS = [
  'tasks',
  'register-worker',
  'register-manager',
  'sessions',
  'bind',
  'unbind',
  'deregister',
  'discover',
  'search',
  'enqueue-nudge-worker',
  'enqueue-notify-manager',
  'enqueue-continue-iteration',
  'dispatch',
  'commands',
  'worker-inbox',
  'manager-inbox',
  'session-inbox',
  'worker-ack',
  'manager-ack',
  'ingest',
  'tail',
  'finish-task',
  'stop-task',
  'criteria',
  'telemetry',
  'db-doctor',
];

let dirs: TempDir[] = [];
afterEach(() => {
  for (const d of dirs) d.cleanup();
  dirs = [];
});

function scratch() {
  const t = tempDir();
  dirs.push(t);
  const cli = (args: string[], options: { input?: string; now?: string } = {}) =>
    runCli([...args, '--path', t.dbPath], { now: options.now ?? NOW, input: options.input, cwd: t.dir });
  return { ...t, cli };
}

function json(result: { stdout: string }) {
  return JSON.parse(result.stdout);
}

describe('help', () => {
  it('answers --help for every core command with a usage line and a runnable example, without opening a database', async () => {
    const t = tempDir();
    dirs.push(t);
    for (const command of CORE_COMMANDS) {
      const result = await runCli([command, '--help', '--path', t.dbPath]);
      expect(result.code, command).toBe(0);
      expect(result.stdout, command).toMatch(new RegExp(`^usage: conveyor ${command} `));
      expect(result.stdout, command).toMatch(new RegExp(`^  (echo .*\\| )?conveyor ${command}( |$)`, 'm'));
    }
    expect(existsSync(t.dbPath)).toBe(false);
  });

  it('documents the finish-task gate without --json, and the ack payloads', async () => {
    const finish = (await runCli(['finish-task', '--help'])).stdout;
    expect(finish).toContain('--require-criteria-audit');
    expect(finish).not.toContain('--json');
    expect((await runCli(['worker-ack', '-h'])).stdout).toMatch(/goal_restatement[\s\S]*--path <workerctl.db>/);
    expect((await runCli(['manager-ack', '--help'])).stdout).toContain('supervision_contract');
  });
});

describe('refusals', () => {
  it('refuses --json where 0.1.12 does: exit 2, stderr only', async () => {
    const s = scratch();
    const cases = [
      ['register-worker', '--name', 'w', '--pid', '1', '--codex-session', 'x.jsonl'],
      ['sessions'],
      ['bind', '--task', 't', '--worker', 'w', '--manager', 'm'],
      ['unbind', '--task', 't'],
      ['deregister', 'w'],
      ['discover', 'q'],
      ['search', 'q'],
      ['ingest', 'w'],
      ['tail', 'w'],
      ['finish-task', 't'],
      ['stop-task', 't'],
    ];
    for (const args of cases) {
      const result = await s.cli([...args, '--json']);
      expect(result, args[0]).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr, args[0]).not.toBe('');
    }
  });

  it('refuses --codex-app-thread-id on register-* by name, and a missing --goal before creating the file', async () => {
    const s = scratch();
    const thread = await s.cli([
      'register-worker',
      '--name',
      'w',
      '--pid',
      '1',
      '--codex-session',
      'x',
      '--codex-app-thread-id',
      'thr',
    ]);
    expect(thread).toMatchObject({ code: 2, stdout: '' });
    expect(thread.stderr).toContain('--codex-app-thread-id');
    expect(await s.cli(['tasks', '--create', 'x'])).toMatchObject({ code: 2, stdout: '' });
    expect(existsSync(s.dbPath)).toBe(false);
    expect(await s.cli(['tasks', '--state', 'done'])).toMatchObject({ code: 2, stdout: '' });
  });
});

describe('a pair through the CLI', () => {
  it('runs create, register, bind, nudge, dispatch, inbox, ingest, completion, criteria gate and finish', async () => {
    const s = scratch();
    expect((await s.cli(['tasks'])).stdout).toBe('');
    expect(json(await s.cli(['tasks', '--create', 'loop', '--goal', 'Ship it', '--summary', 's']))).toMatchObject({
      created: true,
      name: 'loop',
    });
    expect((await s.cli(['tasks'])).stdout).toBe('loop\tcandidate\tShip it\n');
    const rollouts = { worker: join(s.dir, 'w.jsonl'), manager: join(s.dir, 'm.jsonl') };
    writeFileSync(rollouts.worker, '{"type":"session_meta","payload":{"id":"codex-w","cwd":"/repo"}}\n');
    writeFileSync(rollouts.manager, '{"type":"session_meta","payload":{"id":"codex-m"}}\n');
    const worker = json(
      await s.cli(['register-worker', '--name', 'w', '--pid', '43001', '--codex-session', 'w.jsonl']),
    );
    expect(worker).toMatchObject({
      cwd: '/repo',
      codex_session_path: rollouts.worker,
      session_id: expect.stringMatching(/^session-/),
      communication: { session_kind: 'codex_app' },
    });
    expect(
      json(await s.cli(['register-manager', '--name', 'm', '--pid', '43002', '--codex-session', rollouts.manager])).cwd,
    ).toBe('');
    const conflict = await s.cli([
      'register-manager',
      '--name',
      'w',
      '--pid',
      '1',
      '--codex-session',
      rollouts.manager,
    ]);
    expect(conflict).toMatchObject({ code: 2, stdout: '' });
    expect(json(await s.cli(['bind', '--task', 'loop', '--worker', 'w', '--manager', 'm']))).toMatchObject({
      task: 'loop',
      worker: 'w',
      manager: 'm',
    });
    const sessions = json(await s.cli(['sessions', '--role', 'worker', '--redact-identity-token']));
    expect(sessions.map((x: { name: string; identity_token: string }) => [x.name, x.identity_token])).toEqual([
      ['w', '[REDACTED]'],
    ]);

    const queued = json(
      await s.cli([
        'enqueue-nudge-worker',
        'loop',
        '--message',
        'Status?',
        '--correlation-id',
        'c-1',
        '--idempotency-key',
        'k-1',
        '--json',
      ]),
    );
    expect(queued).toMatchObject({
      command_type: 'nudge_worker',
      correlation_id: 'c-1',
      required_permission: null,
      task: 'loop',
    });
    expect(
      await s.cli(['enqueue-nudge-worker', 'loop', '--message', 'again', '--idempotency-key', 'k-1']),
    ).toMatchObject({ code: 2, stdout: '' });
    expect(await s.cli(['enqueue-nudge-worker', 'loop', '--message', '  '])).toMatchObject({ code: 2, stdout: '' });
    const pass = json(await s.cli(['dispatch', '--once', '--type', 'nudge_worker', '--json']));
    expect(pass.processed[0]).toMatchObject({ state: 'pull_required', target_session: 'w', notification_id: 1 });
    const consumed = json(await s.cli(['worker-inbox', 'loop', '--consume-next', '--json']));
    expect(consumed.consumed).toMatchObject({
      correlation_id: 'c-1',
      consumed_at: '2026-06-11T12:00:00.000Z',
      payload: { message: 'Status?' },
    });
    expect(consumed.items).toEqual([]);

    appendFileSync(
      rollouts.worker,
      '{"type":"event_msg","timestamp":"2026-06-11T11:59:00.000Z","payload":{"type":"task_complete","turn_id":"t1","last_agent_message":"done"}}\n',
    );
    expect(json(await s.cli(['ingest', 'w']))).toMatchObject({ new_events: 2, session: 'w', skipped_lines: 0 });
    expect((await s.cli(['dispatch'])).stdout).toBe('dispatch processed 1 item(s)\n');
    const managerText = (await s.cli(['manager-inbox', 'loop'])).stdout;
    expect(managerText).toMatch(/pending: 1\n#2 worker_task_complete pull_required from w to m/);

    const criterion = json(
      await s.cli([
        'criteria',
        'loop',
        '--add',
        '--criterion',
        'tests pass',
        '--source',
        'user_requested',
        '--status',
        'accepted',
      ]),
    ).affected_criterion;
    const gated = await s.cli(['finish-task', 'loop', '--require-criteria-audit']);
    expect(gated).toMatchObject({ code: 1, stdout: '' });
    expect(gated.stderr).toContain(`#${criterion.id}: tests pass`);
    expect(json(await s.cli(['criteria', 'loop', '--satisfy', String(criterion.id)])).affected_criterion.status).toBe(
      'satisfied',
    );
    const finished = json(await s.cli(['finish-task', 'loop', '--reason', 'verified', '--require-criteria-audit']));
    expect(finished).toMatchObject({
      finish: true,
      reason: 'verified',
      final_audit: { total: 1, summary: { satisfied: 1 } },
    });
    expect(await s.cli(['finish-task', 'loop'])).toMatchObject({ code: 2, stdout: '' });
    expect(await s.cli(['enqueue-nudge-worker', 'loop', '--message', 'more'])).toMatchObject({ code: 2, stdout: '' });
    const commands = (await s.cli(['commands', '--task', 'loop', '--attempts'])).stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t').slice(1));
    // Same created_at under a fixed clock: the order among them falls back to the (random) id, as in 0.1.12.
    expect(commands.map((c) => c.join(' ')).sort()).toEqual([
      'failed finish_task loop attempts=0',
      'succeeded finish_task loop attempts=0',
      'succeeded nudge_worker loop attempts=1',
    ]);
    const doctor = await s.cli(['db-doctor']);
    expect(doctor.code).toBe(0);
    expect(json(doctor).ok).toBe(true);
  });

  it('prints the hand-built unbind and deregister lines and refuses deregistering a bound session', async () => {
    const s = scratch();
    writeFileSync(join(s.dir, 'w.jsonl'), '{"type":"session_meta","payload":{"id":"a"}}\n');
    await s.cli(['tasks', '--create', 't', '--goal', 'g']);
    await s.cli(['register-worker', '--name', 'w', '--pid', '1', '--codex-session', 'w.jsonl']);
    await s.cli(['register-manager', '--name', 'm', '--pid', '2', '--codex-session', 'w.jsonl']);
    await s.cli(['bind', '--task', 't', '--worker', 'w', '--manager', 'm']);
    const bound = await s.cli(['deregister', 'w']);
    expect(bound).toMatchObject({ code: 2, stdout: '' });
    expect(bound.stderr).toMatch(/task-[0-9a-f-]+.*binding-[0-9a-f-]+/);
    expect((await s.cli(['unbind', '--task', 't'])).stdout).toBe('{"task": "t", "state": "ended"}\n');
    expect((await s.cli(['deregister', 'w'])).stdout).toBe('{"name": "w", "state": "gone"}\n');
    const states = json(await s.cli(['commands', '--json'])).map(
      (c: { type: string; state: string }) => `${c.type}:${c.state}`,
    );
    expect(states.sort()).toEqual(['deregister_session:failed', 'deregister_session:succeeded']);
    expect(json(await s.cli(['sessions', '--state', 'gone'])).map((x: { name: string }) => x.name)).toEqual(['w']);
  });

  it('writes a dispatch_watch_heartbeat per watch pass and waits for real only in inbox --wait', async () => {
    const s = scratch();
    const watch = json(
      await s.cli([
        'dispatch',
        '--watch',
        '--watch-iterations',
        '2',
        '--interval',
        '0',
        '--dispatcher-id',
        'w-1',
        '--json',
      ]),
    );
    expect(watch).toMatchObject({ iterations: 2, watch: true, dispatcher_id: 'w-1' });
    const db = new Database(s.dbPath, { readonly: true });
    const beats = db
      .prepare(
        `select actor, task_id, timestamp, correlation_json from telemetry_events where event_type = 'dispatch_watch_heartbeat' order by rowid`,
      )
      .all();
    db.close();
    expect(beats).toEqual([
      { actor: 'dispatch', task_id: null, timestamp: NOW, correlation_json: '{"dispatcher_id":"w-1","iteration":1}' },
      { actor: 'dispatch', task_id: null, timestamp: NOW, correlation_json: '{"dispatcher_id":"w-1","iteration":2}' },
    ]);
    writeFileSync(join(s.dir, 'w.jsonl'), '{"type":"session_meta","payload":{"id":"a"}}\n');
    await s.cli(['tasks', '--create', 't', '--goal', 'g']);
    await s.cli(['register-worker', '--name', 'w', '--pid', '1', '--codex-session', 'w.jsonl']);
    await s.cli(['register-manager', '--name', 'm', '--pid', '2', '--codex-session', 'w.jsonl']);
    await s.cli(['bind', '--task', 't', '--worker', 'w', '--manager', 'm']);
    const waited = await s.cli([
      'worker-inbox',
      't',
      '--consume-next',
      '--wait',
      '--timeout',
      '0.2',
      '--interval',
      '0.1',
      '--json',
    ]);
    expect(waited.code).toBe(0);
    expect(json(waited).wait).toEqual({
      elapsed_seconds: 0.2,
      enabled: true,
      interval_seconds: 0.1,
      poll_count: 3,
      timed_out: true,
      timeout_seconds: 0.2,
    });
    expect(await s.cli(['worker-inbox', 't', '--interval', '0'])).toMatchObject({ code: 2, stdout: '' });
  });
});

describe('acks, tail, stop-task and telemetry check through the CLI', () => {
  it('records acks from stdin, tails redacted events, stops a task and reports health with exit codes', async () => {
    const s = scratch();
    writeFileSync(
      join(s.dir, 'w.jsonl'),
      '{"type":"session_meta","payload":{"id":"a"}}\n{"type":"event_msg","payload":{"type":"user_message","message":"secret"}}\n',
    );
    await s.cli(['tasks', '--create', 't', '--goal', 'g']);
    await s.cli(['register-worker', '--name', 'w', '--pid', '1', '--codex-session', 'w.jsonl']);
    await s.cli(['register-manager', '--name', 'm', '--pid', '2', '--codex-session', 'w.jsonl']);
    await s.cli(['bind', '--task', 't', '--worker', 'w', '--manager', 'm']);
    expect(json(await s.cli(['worker-ack', 't', '--json']))).toBeNull();
    const ack = json(
      await s.cli(['worker-ack', 't', '--from-stdin', '--correlation-id', 'c1'], {
        input: '{"goal_restatement":"ship"}',
      }),
    );
    expect(ack).toMatchObject({
      revision: 1,
      role: 'worker',
      correlation_id: 'c1',
      payload: { goal_restatement: 'ship' },
      binding_id: expect.stringMatching(/^binding-/),
    });
    expect(await s.cli(['manager-ack', 't', '--from-stdin'], { input: '[1]' })).toMatchObject({ code: 2, stdout: '' });
    expect(await s.cli(['manager-ack', 't'])).toMatchObject({ code: 2, stdout: '' });
    await s.cli(['ingest', 'w']);
    const tail = json(await s.cli(['tail', 'w', '--subtype', 'user_message']));
    expect(tail[0].payload).toEqual({
      type: 'user_message',
      message_redacted: true,
      message_byte_count: 6,
      message_line_count: 1,
    });
    expect((await s.cli(['telemetry', 'check', '--task', 't'])).code).toBe(0);
    const unhealthy = await s.cli(['telemetry', 'check', '--max-storage-bytes', '1', '--json']);
    expect(unhealthy.code).toBe(1);
    // The operator check compares the database file size with --max-storage-bytes (0.1.12's alert shape).
    expect(json(unhealthy).alerts).toContainEqual({
      message: expect.stringMatching(/^\d+ storage bytes exceeds threshold 1\.$/),
      severity: 'warning',
      type: 'storage_bytes',
    });
    expect(json(await s.cli(['telemetry', '--task', 't', '--summary', '--json'])).by_event_type).toEqual({
      codex_events_ingested: 1,
    }); // tail reads carry no task
    const stopped = json(await s.cli(['stop-task', 't', '--reason', 'superseded']));
    expect(stopped).toMatchObject({
      finish: false,
      stop_manager: true,
      killed_manager: false,
      final_decision_id: null,
      reason: 'superseded',
    });
    expect((await s.cli(['tasks'])).stdout).toBe('t\tdone\tg\n');
    expect(await s.cli(['worker-ack', 't', '--from-stdin'], { input: '{}' })).toMatchObject({ code: 2, stdout: '' });
  });
});
