import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDatabase } from '../testing.js';
import { createTask } from '../tasks/tasks.js';
import { isolatedTmux, type IsolatedTmux } from './isolated.test-support.js';
import { newLines, tmuxTranscriptCapturer } from './transcript-capture.js';

let server: IsolatedTmux;
beforeEach(() => {
  server = isolatedTmux();
});
afterEach(() => server.dispose());

describe('transcript capture through tmux', () => {
  it('finds the lines after the overlap with the previous capture, or a reset', () => {
    expect(newLines(['a', 'b'], ['a', 'b', 'c'])).toEqual({ lines: ['c'], start: 2, reset: false });
    expect(newLines(['a', 'b', 'c'], ['b', 'c', 'd'])).toEqual({ lines: ['d'], start: 2, reset: false });
    expect(newLines(['x'], ['y'])).toEqual({ lines: ['y'], start: 0, reset: true });
  });

  it('records a capture and a segment of what is new, and nothing new for an unchanged pane', async () => {
    const t = tempDatabase();
    try {
      const task = createTask(t.db, { name: 'cap', goal: 'Capture' }, new Date());
      server.tmux.newSession('codex-cap', 'cat');
      server.tmux.sendText(
        { session: 'cap', tmuxSession: 'codex-cap', target: 'codex-cap', buffer: 'b', text: 'first line', time: 'T' },
        () => 'gone',
      );
      await server.waitForPane('codex-cap', 'first line');
      const capture = tmuxTranscriptCapturer(server.tmux);
      const target = {
        role: 'worker' as const,
        task,
        kind: 'session' as const,
        bindingId: null,
        name: 'cap',
        tmuxSession: 'codex-cap',
        tmuxPaneId: null,
      };
      const first = capture(t.db, target, { mode: 'segment', lines: 50, includeContent: true }, new Date());
      expect(first.transcript_segment).toMatchObject({
        segment_kind: 'segment',
        segment_text: 'first line\nfirst line',
      });
      const again = capture(t.db, target, { mode: 'segment', lines: 50, includeContent: false }, new Date());
      expect(again.transcript_segment).toBeNull();
      expect(t.db.prepare('select count(*) as n from terminal_captures').get()).toEqual({ n: 2 });
    } finally {
      t.cleanup();
    }
  });
});
