// Probing the machine: is a pid alive, and running an external tool (tmux, codex, workerctl) to read its answer.
import { spawnSync } from 'node:child_process';

/**
 * 0.1.12's rule: signal 0 succeeds, or fails with EPERM (the process exists but is someone else's) → alive;
 * anything else (ESRCH, a pid beyond pid_max) → dead. It does not check that the pid is a Codex process.
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface ToolResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program with the given environment, no shell, and a timeout; a spawn failure reads as a failed run. */
export type ToolRunner = (file: string, args: readonly string[]) => ToolResult;

export function systemToolRunner(env: NodeJS.ProcessEnv): ToolRunner {
  return (file, args) => {
    const result = spawnSync(file, args, {
      env,
      encoding: 'utf8',
      timeout: 10_000,
    });
    return {
      status: result.error ? null : result.status,
      stdout: result.stdout ?? '',
      stderr: result.stderr ?? result.error?.message ?? '',
    };
  };
}

/** `sh -c 'command -v NAME'`: the path the shell would run, or null. */
export function whichTool(run: ToolRunner, name: string): string | null {
  const result = run('sh', ['-c', `command -v ${name}`]);
  const path = result.stdout.trim();
  return result.status === 0 && path !== '' ? path : null;
}
