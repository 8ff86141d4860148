import { describe, expect, it } from 'vitest';
import { communicationFor, shellQuote } from './communication.js';

describe('communicationFor', () => {
  it('derives push for tmux, codex_app for a rollout without tmux, no_tmux otherwise', () => {
    const base = { role: 'worker' as const, tmux_session: null, codex_session_path: null, codex_session_id: null };
    expect(communicationFor({ ...base, tmux_session: 'codex-w' })).toMatchObject({
      delivery_mode: 'push',
      session_kind: 'tmux',
      requires_polling: false,
      can_receive_push: true,
      tmux_session: 'codex-w',
    });
    expect(communicationFor({ ...base, codex_session_id: 'x' })).toMatchObject({
      delivery_mode: 'pull_required',
      session_kind: 'codex_app',
      detection_source: 'codex_session_without_tmux',
    });
    expect(communicationFor({ ...base, role: 'manager' })).toMatchObject({
      session_kind: 'no_tmux',
      detection_source: 'missing_tmux_session',
      poll_command_template: 'conveyor manager-inbox <task> --consume-next --wait --timeout 60 --json',
    });
  });

  it('quotes for a POSIX shell', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});
