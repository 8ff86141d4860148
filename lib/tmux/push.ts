// Push delivery for dispatch: paste a routed message into the target session's pane. A failure reports whether the
// text had reached tmux's buffer (`started`): after that point the pane may have received it, so it is not retried.
import { TmuxError } from '../errors.js';
import type { SessionRow } from '../sessions/sessions.js';
import { sendSessionText } from './session-actions.js';
import { Tmux, type SendTextResult } from './tmux.js';

export type PushOutcome = { ok: true; result: SendTextResult } | { ok: false; started: boolean; error: string };

/** Delivers text into a session's tmux pane; `time` is the dispatcher's clock (seconds). */
export type PushRunner = (session: SessionRow, text: string, time: string) => PushOutcome;

export function tmuxPushRunner(tmux: Tmux = new Tmux()): PushRunner {
  return (session, text, time) => {
    let started = false;
    try {
      const result = sendSessionText(tmux, session, text, { time, onStarted: () => (started = true) });
      return { ok: true, result };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, started: started || (error instanceof TmuxError && error.started), error: message };
    }
  };
}
