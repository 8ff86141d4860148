import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { enqueueCommand } from '../queue/commands.js';
import type { Db } from '../store/open.js';
import { at, corePair, TASK } from '../tasks/core-fixture.test-support.js';
import { doctor, doctorSelf } from './doctor.js';
import { importCompat } from './import-compat.js';
import { liveReconcile } from './live-drift.js';
import type { ToolRunner } from './processes.js';
import { pruneCaptures } from './prune.js';
import { reconcile } from './reconcile.js';
import { transcriptCapture, transcriptPrune, transcriptShow, transcriptShowText } from './transcripts.js';

function seedSegments(db: Db, taskId: string, texts: Array<string | null>): void {
  const capture = db
    .prepare(
      `insert into terminal_captures(task_id, role, tmux_session, captured_at, history_lines, content_sha256, byte_count, line_count, classifier_json, source)
       values (?, 'worker', 'w', '2001-01-01T00:00:00Z', 200, 'abc', 0, 0, '{}', 'transcript_capture')`,
    )
    .run(taskId).lastInsertRowid;
  for (const text of texts) {
    db.prepare(
      `insert into transcript_segments(task_id, role, source_capture_id, captured_at, content_sha256, segment_text, byte_count, line_count, retention_class, segment_kind, created_at)
       values (?, 'worker', ?, '2001-01-01T00:00:01Z', 'abc', ?, 3, 1, 'hot', 'segment', '2001-01-01T00:00:01Z')`,
    ).run(taskId, capture, text);
  }
}

const count = (db: Db, sql: string) => (db.prepare(sql).get() as { n: number }).n;

describe('transcript-show and transcript-prune', () => {
  it('shows the newest N in id order, redacted, and prunes all but the newest text per role in one event', () => {
    const pair = corePair();
    seedSegments(pair.db, pair.task.id, ['one', 'two', null, 'four']);
    const shown = transcriptShow(pair.db, TASK, { limit: 2 });
    expect(shown.segments.map((s) => s.id)).toEqual([3, 4]);
    expect(transcriptShowText(shown, false)).toContain('[metadata only]');
    expect(transcriptShowText(shown, false)).toContain('[content redacted: 1 lines, 4 bytes]');
    expect(transcriptShow(pair.db, TASK, { limit: 0 }).segments).toHaveLength(4);
    expect(transcriptPrune(pair.db, TASK, { keepLatest: 1, dryRun: true }, at(1))).toEqual({
      dry_run: true,
      keep_latest: 1,
      pruned_count: 0,
      would_prune_count: 2,
    });
    expect(count(pair.db, `select count(*) as n from events where type = 'transcript_segments_pruned'`)).toBe(0);
    expect(transcriptPrune(pair.db, TASK, { keepLatest: 1 }, at(2)).pruned_count).toBe(2);
    const event = pair.db
      .prepare(`select payload_json from events where type = 'transcript_segments_pruned'`)
      .get() as { payload_json: string };
    expect(JSON.parse(event.payload_json)).toEqual({
      keep_latest: 1,
      segment_ids: [2, 1],
    });
    expect(
      count(
        pair.db,
        `select count(*) as n from transcript_segments where retention_class = 'cold' and segment_kind = 'metadata'`,
      ),
    ).toBe(2);
    expect(transcriptPrune(pair.db, TASK, { keepLatest: 0 }, at(3)).pruned_count).toBe(1); // 0.1.12: 0 prunes all
  });
});

describe('transcript-capture without tmux', () => {
  it('collects per-role errors for --role all and throws for one role', () => {
    const pair = corePair();
    const all = transcriptCapture(
      pair.db,
      {
        task: TASK,
        role: 'all',
        mode: 'segment',
        lines: 200,
        includeContent: false,
      },
      at(1),
    );
    expect(all.captures).toEqual([
      {
        error: 'Session identity verification failed for core-worker: tmux_session_missing',
        role: 'worker',
      },
      {
        error: 'Session identity verification failed for core-manager: tmux_session_missing',
        role: 'manager',
      },
    ]);
    expect(
      transcriptCapture(
        pair.db,
        {
          task: 'nope',
          role: 'all',
          mode: 'segment',
          lines: 1,
          includeContent: false,
        },
        at(1),
      ).captures[0]?.error,
    ).toBe('Unknown task: nope');
    expect(() =>
      transcriptCapture(
        pair.db,
        {
          task: TASK,
          role: 'worker',
          mode: 'segment',
          lines: 1,
          includeContent: false,
        },
        at(1),
      ),
    ).toThrow(/tmux_session_missing/);
    expect(() =>
      transcriptCapture(
        pair.db,
        {
          task: TASK,
          role: 'all',
          mode: 'segment',
          lines: 1,
          includeContent: false,
          requireSegment: true,
        },
        at(1),
      ),
    ).toThrow(/worker, manager/);
  });
});

describe('prune', () => {
  it('keeps the newest N captures with text per worker and records the pruned ids', () => {
    const pair = corePair();
    pair.db
      .prepare(
        `insert into workers(id, name, tmux_session, identity_token, cwd, state, created_at, updated_at) values ('worker-a', 'a', 'codex-a', 't', '/', 'stopped', 'x', 'x')`,
      )
      .run();
    for (const content of ['1', '2', '3']) {
      pair.db
        .prepare(
          `insert into transcript_captures(worker_id, sha256, content, captured_at, changed_at, history_lines, byte_count, line_count, capture_kind, retention_class) values ('worker-a', 's', ?, 'x', 'x', 1, 1, 1, 'changed', 'hot')`,
        )
        .run(content);
    }
    expect(pruneCaptures(pair.db, { keepLatest: 1 }, at(1))).toEqual({
      dry_run: false,
      keep_latest: 1,
      pruned_count: 2,
      would_prune_count: 2,
    });
    expect(
      count(
        pair.db,
        `select count(*) as n from transcript_captures where content is null and capture_kind = 'metadata_only' and retention_class = 'warm'`,
      ),
    ).toBe(2);
    expect(pruneCaptures(pair.db, { keepLatest: 1 }, at(2)).would_prune_count).toBe(0);
  });
});

describe('reconcile and db-doctor --live', () => {
  it('reports a dead pid, applies in one go and returns the pre-apply report', () => {
    const pair = corePair();
    enqueueCommand(pair.db, { taskId: pair.task.id, type: 'nudge_worker', payload: { message: 'x' } }, at(0));
    const deadWorker = () => false; // both sessions' pid 4000 reads as dead
    const live = liveReconcile(pair.db, { managerStaleSeconds: 300 }, at(0), {
      pidAlive: deadWorker,
      tmuxPane: () => null,
    });
    expect(live.check).toMatchObject({
      ok: false,
      drift_count: 1,
      unfinished_command_count: 1,
    });
    const report = reconcile(pair.db, { apply: true }, at(10), deadWorker);
    expect(report.dead_pid_sessions.map((s) => s.name)).toEqual(['core-manager', 'core-worker']);
    expect(report.dangling_bindings).toEqual([]);
    expect(report.applied?.sessions_marked_gone).toEqual(['core-manager', 'core-worker']);
    expect(report.applied?.bindings_marked_invalid).toHaveLength(1);
    expect(count(pair.db, `select count(*) as n from bindings where state = 'invalid' and ended_at is not null`)).toBe(
      1,
    );
    expect(reconcile(pair.db, {}, at(20), deadWorker).dead_pid_sessions).toEqual([]);
  });
});

describe('import-compat', () => {
  it('lists actions in a dry run, applies them once, and skips invalid event lines every time', () => {
    const pair = corePair();
    const root = join(pair.dir, 'legacy');
    mkdirSync(join(root, 'w1'), { recursive: true });
    writeFileSync(join(root, 'w1', 'config.json'), '{"name": "w1", "state": "weird"}');
    writeFileSync(join(root, 'w1', 'status.json'), '{"state": "editing"}');
    writeFileSync(join(root, 'w1', 'transcript.txt'), 'a\nb\n');
    writeFileSync(join(root, 'w1', 'events.jsonl'), '{"type":"x","time":"2001-01-01T00:00:00Z"}\nnope\n');
    const dry = importCompat(pair.db, { root }, at(1));
    expect(dry.workers[0]?.actions.map((a) => a.action)).toEqual([
      'upsert_worker',
      'insert_status',
      'insert_transcript_capture',
      'insert_event',
      'skip_invalid_event',
    ]);
    expect(count(pair.db, 'select count(*) as n from workers')).toBe(0);
    importCompat(pair.db, { root, apply: true }, at(2));
    expect(pair.db.prepare(`select state, tmux_session, cwd from workers`).get()).toEqual({
      state: 'candidate',
      tmux_session: 'codex-w1',
      cwd: '',
    });
    expect(count(pair.db, `select count(*) as n from events where type = 'compat_x' and actor = 'compat'`)).toBe(1);
    expect(count(pair.db, 'select count(*) as n from data_migrations')).toBe(4);
    expect(importCompat(pair.db, { root, apply: true }, at(3)).workers[0]?.actions).toEqual([
      {
        action: 'skip_invalid_event',
        line: 2,
        source: join(root, 'w1', 'events.jsonl'),
      },
    ]);
  });
});

describe('doctor and doctor-self', () => {
  const fake = (
    answers: Record<string, { status: number; stdout?: string; stderr?: string }>,
  ): ToolRunner & { calls: string[] } => {
    const calls: string[] = [];
    const run = ((file: string, args: readonly string[]) => {
      const key = file === 'sh' ? `which ${args[1]?.split(' ').at(-1)}` : `${file.split('/').at(-1)} ${args.join(' ')}`;
      calls.push(key);
      const a = answers[key] ?? { status: 1 };
      return {
        status: a.status,
        stdout: a.stdout ?? '',
        stderr: a.stderr ?? '',
      };
    }) as ToolRunner & { calls: string[] };
    run.calls = calls;
    return run;
  };

  it('doctor fails on a missing target folder but not on a missing state root', () => {
    const pair = corePair();
    const run = fake({
      'which tmux': { status: 0, stdout: '/bin/tmux\n' },
      'tmux -V': { status: 0, stdout: 'tmux 3.4\n' },
    });
    const ok = doctor({ cwd: pair.dir, env: {} as NodeJS.ProcessEnv, projectRoot: '/pkg' }, run);
    expect(ok.checks).toEqual([
      { name: 'tmux', ok: true, path: '/bin/tmux' },
      { name: 'codex', ok: false, path: null },
      { name: 'tmux_version', ok: true, value: 'tmux 3.4' },
      { name: 'target_cwd_exists', ok: true, path: pair.dir },
      {
        name: 'state_root_exists',
        ok: false,
        path: join(pair.dir, '.codex-workers'),
      },
    ]);
    expect(ok.ok).toBe(false); // codex missing
  });

  it('doctor-self is supported inside a live tmux session with workerctl on PATH', () => {
    const pair = corePair();
    const home = join(pair.dir, 'codex-home');
    mkdirSync(join(home, 'skills/codex-review/scripts'), { recursive: true });
    writeFileSync(join(home, 'skills/codex-review/scripts/codex-review'), '#!/bin/sh\n');
    chmodSync(join(home, 'skills/codex-review/scripts/codex-review'), 0o755);
    const run = fake({
      'which workerctl': { status: 0, stdout: '/bin/workerctl' },
      'which tmux': { status: 0, stdout: '/bin/tmux' },
      'tmux display-message -p #S': { status: 0, stdout: 'main\n' },
      'tmux has-session -t main': { status: 0 },
      'workerctl classify --text conveyor self doctor': { status: 0 },
    });
    const report = doctorSelf(
      {
        env: { CODEX_HOME: home } as unknown as NodeJS.ProcessEnv,
        projectRoot: '/pkg',
      },
      run,
    );
    expect(report).toMatchObject({
      supported: true,
      ok: true,
      current_session: 'main',
      workerctl_invocation: 'workerctl',
    });
    expect(report.checks).toContainEqual({
      name: 'codex_review_helper_installed',
      ok: true,
      path: join(home, 'skills/codex-review/scripts/codex-review'),
    });
    const gone = doctorSelf(
      {
        session: 'old',
        env: { CODEX_HOME: home } as unknown as NodeJS.ProcessEnv,
        projectRoot: '/pkg',
      },
      run,
    );
    expect(gone.supported).toBe(false);
    expect(run.calls).not.toContain('tmux display-message -p #S old');
  });
});
