import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { enqueueCommand } from '../queue/commands.js';
import { at, corePair, TASK } from '../tasks/core-fixture.test-support.js';
import { finishTask } from '../tasks/finish.js';
import type { Db } from '../store/open.js';
import { exportTask } from './export.js';
import { mutationAudit, mutationAuditText } from './mutation-audit.js';
import { replayTask, replayText } from './replay.js';
import { auditText, lineCount, taskAudit } from './task-audit.js';

function seedCapture(db: Db, taskId: string, content: string | null, segmentText: string | null): void {
  const capture = db
    .prepare(
      `insert into terminal_captures(task_id, role, tmux_session, captured_at, history_lines, content_sha256, content, byte_count, line_count, classifier_json, source)
       values (?, 'worker', 'w', '2001-01-01T00:00:01Z', 200, 'abc', ?, 3, 1, '{"busy_wait":{"pattern":"working"},"startup":[]}', 'transcript_capture')`,
    )
    .run(taskId, content).lastInsertRowid;
  db.prepare(
    `insert into transcript_segments(task_id, role, source_capture_id, captured_at, content_sha256, segment_text, byte_count, line_count, retention_class, segment_kind, created_at)
     values (?, 'worker', ?, '2001-01-01T00:00:01Z', 'abc', ?, 3, 1, 'hot', 'segment', '2001-01-01T00:00:01Z')`,
  ).run(taskId, capture, segmentText);
}

function readZip(path: string): Promise<
  Array<{
    name: string;
    data: Buffer;
    version: number;
    flags: number;
    date: number;
  }>
> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const entries: Array<{
        name: string;
        data: Buffer;
        version: number;
        flags: number;
        date: number;
      }> = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.push({
              name: entry.fileName,
              data: Buffer.concat(chunks),
              version: entry.versionMadeBy,
              flags: entry.generalPurposeBitFlag,
              date: entry.lastModFileDate,
            });
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.readEntry();
    });
  });
}

describe('audit', () => {
  it('redacts stored terminal text unless asked, and chains each command to its decision', () => {
    const pair = corePair();
    seedCapture(pair.db, pair.task.id, 'a\r\nb\rc', 'one\ntwo\n');
    pair.db
      .prepare(
        `insert into manager_decisions(task_id, decision, reason, created_at, payload_json) values (?, 'nudge', 'why', '2001-01-01T00:00:00Z', '{}')`,
      )
      .run(pair.task.id);
    enqueueCommand(
      pair.db,
      {
        taskId: pair.task.id,
        type: 'task_nudge',
        payload: { manager_decision: { decision_id: '1' } },
        correlationId: 'corr-1',
      },
      at(0),
    );
    const redacted = taskAudit(pair.db, TASK);
    expect(redacted.terminal_captures[0]).toMatchObject({
      content_byte_count: 6,
      content_line_count: 3,
      content_redacted: true,
      classifier: { busy_wait: { pattern: 'working' } },
    });
    expect(redacted.terminal_captures[0]).not.toHaveProperty('content');
    expect(redacted.transcript_segments[0]).toMatchObject({
      segment_text_line_count: 2,
      redacted: false,
    });
    expect(taskAudit(pair.db, TASK, { includeContent: true }).terminal_captures[0]?.content).toBe('a\r\nb\rc');
    expect(redacted.correlation_chains).toEqual([
      expect.objectContaining({
        command_type: 'task_nudge',
        manager_decision_id: 1,
        manager_decision_cycle_id: null,
        attempt_ids: [],
        routed_notification_ids: [],
      }),
    ]);
    expect(auditText(redacted).split('\n')[0]).toBe(`${TASK}\tcandidate\tKeep the core loop moving`);
  });

  it('counts lines as Python splitlines does', () => {
    expect([lineCount(''), lineCount('a\nb\n'), lineCount('a\r\nb\rc'), lineCount('x')]).toEqual([0, 2, 3, 1]);
  });
});

describe('replay', () => {
  it('orders entries by timestamp text, keeps the last N, and prints the Finished block with a literal <task>', () => {
    const pair = corePair();
    enqueueCommand(
      pair.db,
      {
        taskId: pair.task.id,
        type: 'nudge_worker',
        payload: { message: 'go' },
      },
      at(1),
    );
    finishTask(pair.db, { task: TASK, finish: true, reason: 'all done' }, at(2));
    const replay = replayTask(pair.db, TASK, { format: 'compact' });
    expect(replay.entries.map((e) => e.kind)).toContain('finish');
    const stamps = replay.entries.map((e) => e.timestamp);
    expect([...stamps].sort()).toEqual(stamps);
    expect(replayTask(pair.db, TASK, { limit: 2 }).entries).toEqual(replayTask(pair.db, TASK).entries.slice(-2));
    expect(replayTask(pair.db, TASK, { limit: 0 }).entry_count).toBe(replayTask(pair.db, TASK).entry_count);
    const text = replayText(replayTask(pair.db, TASK));
    expect(text).toContain('conveyor replay <task> --format compact');
    expect(replayTask(pair.db, TASK, { role: 'reviewer' }).entries).toEqual([]);
    expect(() => replayTask(pair.db, TASK, { format: 'full-transcript' })).toThrow(/include-content/);
  });
});

describe('mutation-audit', () => {
  it('links finish-task to its own stop decision and warns about an unlinked nudge', () => {
    const pair = corePair();
    finishTask(pair.db, { task: TASK, finish: true, reason: 'verified' }, at(5));
    const clean = mutationAudit(pair.db, TASK);
    expect(clean.ok).toBe(true);
    expect(clean.records[0]).toMatchObject({
      allowed_decisions: ['stop'],
      linked_decision: { decision: 'stop' },
      nearest_prior_decision: null,
      warnings: [],
    });
    enqueueCommand(
      pair.db,
      {
        taskId: pair.task.id,
        type: 'task_nudge',
        payload: { slash_command: null },
      },
      at(9),
    );
    const warned = mutationAudit(pair.db, TASK);
    expect(warned.ok).toBe(false);
    expect(warned.records[1]).toMatchObject({
      warnings: ['missing_decision_metadata', 'nearest_decision_unlinked'],
      effect: { dry_run: false, sent: false, slash_command: null },
    });
    expect(mutationAuditText(warned).split('\n')[0]).toBe(`${TASK}\tmutations=2\twarnings=1`);
  });
});

describe('export-task', () => {
  it('writes the 15 files, the manifest and a zip of exactly those bytes in 0.1.12 layout', async () => {
    const pair = corePair();
    seedCapture(pair.db, pair.task.id, 'raw', 'segment text');
    const dir = join(pair.dir, 'bundle');
    const result = exportTask(
      pair.db,
      {
        task: pair.task.id,
        outputDir: dir,
        stateRoot: pair.dir,
        zip: true,
        includeFullTranscripts: true,
      },
      at(10),
    );
    expect(result.task).toBe(TASK);
    expect(result.manifest.files).toHaveLength(19);
    expect(result.archive).toBe(`${dir}.zip`);
    const audit = JSON.parse(readFileSync(join(dir, 'audit.json'), 'utf8'));
    expect(audit.transcript_segments[0]).not.toHaveProperty('segment_text');
    expect(JSON.parse(readFileSync(join(dir, 'transcript-segments.json'), 'utf8'))[0].segment_text).toBe(
      'segment text',
    );
    expect(readFileSync(join(dir, 'transcripts/worker.txt'), 'utf8')).toContain('segment text');
    const entries = await readZip(`${dir}.zip`);
    expect(entries.map((e) => e.name)).toEqual([...result.manifest.files, 'manifest.json']);
    for (const entry of entries) {
      expect(entry.data.equals(readFileSync(join(dir, entry.name)))).toBe(true);
      expect([entry.version, entry.flags, entry.date]).toEqual([20, 0, 0]);
    }
  });

  it('leaves no bundle behind when the archive cannot be written', () => {
    const pair = corePair();
    const dir = join(pair.dir, 'bundle');
    mkdirSync(`${dir}.zip`, { recursive: true });
    expect(() => exportTask(pair.db, { task: TASK, outputDir: dir, stateRoot: pair.dir, zip: true }, at(1))).toThrow(
      /folder/,
    );
    expect(existsSync(dir)).toBe(false);
  });
});
