// Every tmux call goes through a runner: one child process `tmux <args>` per call, run synchronously. The runner
// is injected so that tests give each run its own server (TMUX_TMPDIR, or a -L/-S socket) and can kill it.
import { spawnSync } from 'node:child_process';

export interface TmuxCallResult {
  status: number;
  stdout: string;
  stderr: string;
}

export type TmuxRunner = (args: readonly string[]) => TmuxCallResult;

export interface ProcessRunnerOptions {
  /** The environment tmux runs with; TMUX_TMPDIR and TMUX in it select the server. */
  env?: NodeJS.ProcessEnv;
  /** Words put before every call, such as ['-L', 'name'] or ['-S', '/path/socket'] (tests only; the CLI passes none). */
  socketArgs?: readonly string[];
  /** The tmux executable; found on PATH by default. */
  command?: string;
}

/** Runs the real tmux. A missing executable counts as status 127, one that cannot run as 126. */
export function processTmuxRunner(options: ProcessRunnerOptions = {}): TmuxRunner {
  const command = options.command ?? 'tmux';
  const prefix = options.socketArgs ?? [];
  return (args) => {
    const result = spawnSync(command, [...prefix, ...args], { encoding: 'utf8', env: options.env ?? process.env });
    if (result.error) {
      const code = (result.error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { status: 127, stdout: '', stderr: `${command} is not installed or not on PATH` };
      if (code === 'EACCES')
        return { status: 126, stdout: '', stderr: `${command} cannot be executed: permission denied` };
      return { status: 1, stdout: '', stderr: result.error.message };
    }
    return { status: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  };
}
