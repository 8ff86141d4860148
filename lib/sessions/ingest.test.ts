import { writeFileSync, appendFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appendRollout, at, corePair, count, T0, taskComplete } from '../tasks/core-fixture.test-support.js';
import { ConflictError } from '../errors.js';
import { ingestSession, parseRolloutChunk, redactContent, tailSession } from './ingest.js';

describe('parseRolloutChunk', () => {
  it('tracks absolute offsets, skips non-objects and bad JSON, and leaves a partial last line', () => {
    const text =
      '{"type":"event_msg","payload":{"type":"task_started"}}\nnot json\n[1]\n{"type":"x"}\n{"type":"event_msg"';
    const parsed = parseRolloutChunk(Buffer.from(text), 100);
    expect(parsed.records.map((r) => [r.byteOffset, r.type, r.subtype])).toEqual([
      [100, 'event_msg', 'task_started'],
      [100 + text.indexOf('{"type":"x"}'), 'x', null],
    ]);
    expect(parsed.skippedLines).toBe(2);
    expect(parsed.endOffset).toBe(100 + text.lastIndexOf('\n') + 1);
  });
});

describe('ingestSession', () => {
  it('stores every record, the offset and the heartbeat, and writes codex_events_ingested with the bound task', () => {
    const { db, rollout, task } = corePair();
    appendRollout(rollout.worker, taskComplete('t1'));
    const result = ingestSession(db, 'core-worker', T0);
    expect(result).toMatchObject({ new_events: 2, skipped_lines: 0, session: 'core-worker' });
    const session = db
      .prepare(`select last_ingest_offset, last_heartbeat_at from sessions where name = 'core-worker'`)
      .get() as Record<string, unknown>;
    expect(session).toEqual({ last_ingest_offset: result.new_offset, last_heartbeat_at: '2026-06-11T12:00:00.000Z' });
    const event = db
      .prepare(`select task_id, attributes_json from telemetry_events where event_type = 'codex_events_ingested'`)
      .get() as { task_id: string; attributes_json: string };
    expect(event.task_id).toBe(task.id);
    expect(JSON.parse(event.attributes_json)).toEqual({
      new_events: 2,
      new_offset: result.new_offset,
      skipped_lines: 0,
      start_offset: 0,
    });
    expect(ingestSession(db, 'core-worker', at(1))).toMatchObject({ new_events: 0, new_offset: result.new_offset });
  });

  it('counts a malformed last line once and moves past it (0.1.12 re-read it forever)', () => {
    const { db, rollout } = corePair();
    appendFileSync(rollout.worker, 'garbage\n');
    expect(ingestSession(db, 'core-worker', T0)).toMatchObject({ new_events: 1, skipped_lines: 1 });
    expect(ingestSession(db, 'core-worker', at(1))).toMatchObject({ new_events: 0, skipped_lines: 0 });
  });

  it('waits for a partial line to be completed', () => {
    const { db, rollout } = corePair();
    ingestSession(db, 'core-worker', T0);
    appendFileSync(rollout.worker, '{"type":"event_msg","payload":{"type":"agent_message","message":"hi"}');
    expect(ingestSession(db, 'core-worker', at(1)).new_events).toBe(0);
    appendFileSync(rollout.worker, '}\n');
    expect(ingestSession(db, 'core-worker', at(2)).new_events).toBe(1);
    expect(count(db, 'codex_events')).toBe(2);
  });

  it('refuses a rollout that shrank below the stored offset, and a gone session', () => {
    const { db, rollout } = corePair();
    ingestSession(db, 'core-worker', T0);
    writeFileSync(rollout.worker, '');
    expect(() => ingestSession(db, 'core-worker', at(1))).toThrow(/shrank/);
    db.prepare(`update sessions set state = 'gone' where name = 'core-manager'`).run();
    expect(() => ingestSession(db, 'core-manager', at(1))).toThrow(ConflictError);
  });
});

describe('tailSession', () => {
  it('returns newest first with content redacted unless asked, and writes codex_events_tail_read', () => {
    const { db, rollout } = corePair();
    appendRollout(
      rollout.worker,
      { type: 'event_msg', payload: { type: 'user_message', message: 'a\nb', nested: { content: 'xyz' } } },
      taskComplete('t1'),
    );
    ingestSession(db, 'core-worker', T0);
    const events = tailSession(db, { name: 'core-worker', subtype: 'user_message' }, T0);
    expect(events).toHaveLength(1);
    expect(events[0]?.payload).toEqual({
      type: 'user_message',
      message_redacted: true,
      message_byte_count: 3,
      message_line_count: 2,
      nested: { content_redacted: true, content_byte_count: 3, content_line_count: 1 },
    });
    const raw = tailSession(db, { name: 'core-worker', limit: 2, includeContent: true }, T0);
    expect(raw.map((e) => e.subtype)).toEqual(['task_complete', 'user_message']);
    const read = db
      .prepare(
        `select task_id, attributes_json from telemetry_events where event_type = 'codex_events_tail_read' order by rowid desc limit 1`,
      )
      .get() as { task_id: null; attributes_json: string };
    expect(read.task_id).toBeNull();
    expect(JSON.parse(read.attributes_json)).toEqual({ limit: 2, returned_count: 2, subtype: null });
    expect(redactContent(['text'])).toEqual(['text']);
  });
});
