// Capturing a pane without blocking: the dashboard polls panes while someone watches them, so each capture is
// an asynchronous child process (lib/tmux's runner is synchronous, which suits one-off CLI calls, not a server's
// event loop). The argv is the one lib/tmux uses for `capture`: last `lines` lines of history plus the screen.
import { execFile } from 'node:child_process';

export interface PaneCapture {
  /** The pane's text, or null when the pane (or the tmux server) is gone. */
  text: string | null;
  error: string | null;
}

export function capturePane(
  target: string,
  options: { lines: number; env?: NodeJS.ProcessEnv; signal?: AbortSignal },
): Promise<PaneCapture> {
  return new Promise((resolve) => {
    execFile(
      'tmux',
      ['capture-pane', '-p', '-S', `-${options.lines}`, '-t', target],
      { encoding: 'utf8', env: options.env ?? process.env, maxBuffer: 4 * 1024 * 1024, signal: options.signal },
      (error, stdout, stderr) => {
        if (error) resolve({ text: null, error: stderr.trim() || error.message });
        else resolve({ text: stdout.replace(/\n+$/, ''), error: null });
      },
    );
  });
}
