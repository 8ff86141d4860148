import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { tempDatabase } from '../testing.js';
import { createDisposableBinding } from './disposable-binding.js';
import { T0 } from './fixture.test-support.js';
import { sessionSlug } from './session-slug.js';

describe('sessionSlug (0.1.12 rule for rollout files and Codex session ids)', () => {
  it.each([
    ['wörker-ß', 'w-rker'],
    ['ö', 'session'],
    ['...', 'session'],
    ['.-.', 'session'],
    ['日本語', 'session'],
    ['..dots..', 'dots'],
    ['-lead', 'lead'],
    ['a  b', 'a-b'],
    ['tab\tx', 'tab-x'],
    ['emoji🙂x', 'emoji-x'],
    ['a--b', 'a--b'],
    ['a - b', 'a---b'],
    ['a.-b', 'a.-b'],
    ['-.-a-.-', 'a'],
    ['_under_', '_under_'],
    ['_.x._', '_.x._'],
    ['x/y\\z', 'x-y-z'],
    ['a:b@c+d', 'a-b-c-d'],
    ["quote'x", 'quote-x'],
    ['UPPER.Case_1', 'UPPER.Case_1'],
    ['.hidden', 'hidden'],
    ['trail.', 'trail'],
  ])('%j -> %j', (name, slug) => {
    expect(sessionSlug(name)).toBe(slug);
  });

  it('keeps no length cap', () => {
    expect(sessionSlug('x'.repeat(300))).toHaveLength(300);
  });

  it('names the rollout file and codex session id, while the session keeps its name verbatim', () => {
    const t = tempDatabase(() => T0);
    onTestFinished(() => t.cleanup());
    const result = createDisposableBinding(
      t.db,
      { task: 'slugs', cwd: t.dir, worker: 'wörker-ß', manager: '日本語' },
      T0,
    );
    expect(result.worker.name).toBe('wörker-ß');
    expect(result.worker.rollout_path).toBe(join(t.dir, 'disposable-sessions', 'rollout-w-rker.jsonl'));
    expect(result.manager.rollout_path).toBe(join(t.dir, 'disposable-sessions', 'rollout-session.jsonl'));
    expect(existsSync(result.manager.rollout_path)).toBe(true);
    const meta = JSON.parse(readFileSync(result.worker.rollout_path, 'utf8').trim());
    expect(meta.payload.id).toBe('codex-w-rker');
    const rows = t.db.prepare('select name, codex_session_id from sessions order by name').all();
    expect(rows).toEqual([
      { name: 'wörker-ß', codex_session_id: 'codex-w-rker' },
      { name: '日本語', codex_session_id: 'codex-session' },
    ]);
  });
});
