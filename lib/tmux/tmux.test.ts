import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isolatedTmux, type IsolatedTmux } from './isolated.test-support.js';
import { processTmuxRunner } from './runner.js';
import { shlexQuote, Tmux } from './tmux.js';

let server: IsolatedTmux;
beforeEach(() => {
  server = isolatedTmux();
});
afterEach(() => server.dispose());

/** The real tmux of this test's server, with every argv kept. */
function recording(): { tmux: Tmux; calls: string[][] } {
  const calls: string[][] = [];
  const real = processTmuxRunner({ env: server.env });
  return { calls, tmux: new Tmux((args) => (calls.push([...args]), real(args))) };
}

describe('the tmux module on a real server', () => {
  it('pastes a text with 0.1.12’s argv and Enter, and always deletes the buffer', async () => {
    server.tmux.newSession('codex-t', 'cat');
    const { tmux, calls } = recording();
    const result = tmux.sendText(
      {
        session: 't',
        tmuxSession: 'codex-t',
        target: 'codex-t',
        buffer: 'workerctl-session-t',
        text: 'hello there',
        time: 'T',
      },
      () => 'gone',
    );
    expect(result).toMatchObject({ side_effect_completed: true, side_effect_started: true, target: 'codex-t' });
    expect(calls).toEqual([
      ['has-session', '-t', 'codex-t'],
      ['set-buffer', '-b', 'workerctl-session-t', 'hello there'],
      ['paste-buffer', '-b', 'workerctl-session-t', '-t', 'codex-t'],
      ['send-keys', '-t', 'codex-t', 'C-m'],
      ['delete-buffer', '-b', 'workerctl-session-t'],
    ]);
    await server.waitForPane('codex-t', 'hello there');
  });

  it('passes a text starting with - after --, and a dry run makes no call at all', async () => {
    server.tmux.newSession('codex-t', 'cat');
    const { tmux, calls } = recording();
    tmux.sendText(
      { session: 't', tmuxSession: 'codex-t', target: 'codex-t', buffer: 'b', text: '-x marks', time: 'T' },
      () => 'gone',
    );
    expect(calls[1]).toEqual(['set-buffer', '-b', 'b', '--', '-x marks']);
    await server.waitForPane('codex-t', '-x marks');
    calls.length = 0;
    const dry = tmux.sendText(
      { session: 't', tmuxSession: 'codex-t', target: 'codex-t', buffer: 'b', text: 'x', time: 'T', dryRun: true },
      () => 'gone',
    );
    expect(dry.side_effect_started).toBe(false);
    expect(calls).toEqual([]);
  });

  it('refuses to paste into a session that is not running, before anything is sent', () => {
    const { tmux, calls } = recording();
    expect(() =>
      tmux.sendText(
        { session: 't', tmuxSession: 'codex-none', target: 'codex-none', buffer: 'b', text: 'x', time: 'T' },
        () => 'not running',
      ),
    ).toThrow('not running');
    expect(calls.map((c) => c[0])).toEqual(['has-session']);
  });

  it('captures without trailing newlines and kills sessions', async () => {
    server.tmux.newSession('codex-c', "printf 'one\\ntwo\\n'; sleep 60");
    await server.waitForPane('codex-c', 'two');
    expect(server.tmux.capture('codex-c', 20)).toBe('one\ntwo');
    server.tmux.kill('codex-c');
    expect(server.tmux.running('codex-c')).toBe(false);
  });

  it('quotes words as Python shlex does', () => {
    expect(shlexQuote('danger-full-access')).toBe('danger-full-access');
    expect(shlexQuote("it's here")).toBe(`'it'"'"'s here'`);
    expect(shlexQuote('')).toBe("''");
  });
});
