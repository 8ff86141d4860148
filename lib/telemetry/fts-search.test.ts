// The search rule of `telemetry --search` and discover/search (gaps spec G5), against a real FTS5 table.
import { describe, expect, it } from 'vitest';
import { tempDatabase } from '../testing.js';
import { UsageError } from '../errors.js';
import { queryTelemetry } from './query.js';
import { appendTelemetry } from './telemetry.js';

const NOW = new Date('2026-06-11T12:00:00Z');

function seeded() {
  const t = tempDatabase(() => NOW);
  const add = (summary: string, attributes: Record<string, unknown>, eventType = 'operator_note') =>
    appendTelemetry(t.db, {
      taskId: null,
      timestamp: NOW.toISOString(),
      actor: 'operator',
      eventType,
      summary,
      severity: 'info',
      attributes,
    }).id;
  const one = add('Trust signal observed.', { context: 'manager prompt review' });
  const two = add('Prompting the trust dialog; he said "hi" and prom* too.', {});
  const three = add('Created command nudge_worker.', { idempotency_key: 'k' }, 'command_created');
  const found = (search: string) => {
    const ids = queryTelemetry(t.db, { search }).map((e) => e.id);
    return ids.map((id) => ({ [one]: 1, [two]: 2, [three]: 3 })[id]);
  };
  return { ...t, found };
}

describe('telemetry search (FTS5, every piece quoted)', () => {
  it.each([
    ['trust prompt', [1]],
    ['"trust prompt"', [1]],
    ['prompt trust', [1]],
    ['prom*', [2]],
    ['promp*', []],
    ['promp', []],
    ['trust*', [1, 2]],
    ['said "hi"', [2]],
    ['he"said', [2]],
    ['"hi"', [2]],
    ['"', []],
    ['-', []],
    ['*', []],
    ['trust OR nothing', []],
    ['NEAR', []],
    ["it's", []],
    ['Trust', [1, 2]],
    ['operator_note', [1, 2]],
    ['operator note', []],
    ['OPERATOR_NOTE', []],
    ['idempotency_key', [3]],
    ['command created', [3]],
  ])('%j matches %j', (search, expected) => {
    const t = seeded();
    try {
      expect(t.found(search)).toEqual(expected);
    } finally {
      t.cleanup();
    }
  });

  it('compares the exact event type with the value untrimmed, and fails on a blank value like 0.1.12', () => {
    const t = seeded();
    try {
      expect(t.found(' operator_note')).toEqual([]);
      expect(() => queryTelemetry(t.db, { search: '   ' })).toThrow(new UsageError('fts5: syntax error near ""'));
    } finally {
      t.cleanup();
    }
  });
});
