// Opening a macOS terminal window attached to a tmux session (open, open-worker, open-manager). 0.1.12 supports
// Terminal.app and Ghostty only; on other systems the commands refuse with exit 1 after their lookups.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { LifecycleError } from '../errors.js';

export const TERMINALS = ['auto', 'terminal', 'ghostty'] as const;
export type Terminal = (typeof TERMINALS)[number];

export function requireMacos(platform: string): void {
  if (platform !== 'darwin')
    throw new LifecycleError(
      'opening a terminal window is implemented for macOS only; attach by hand with `tmux attach -t <session>`',
    );
}

export function resolveTerminal(terminal: Terminal): 'terminal' | 'ghostty' {
  if (terminal !== 'auto') return terminal;
  return existsSync('/Applications/Ghostty.app') ? 'ghostty' : 'terminal';
}

export function terminalCommand(terminal: 'terminal' | 'ghostty', tmuxSession: string): string[] {
  if (terminal === 'ghostty')
    return ['open', '-na', 'Ghostty.app', '--args', '-e', 'tmux', 'attach', '-t', tmuxSession];
  return [
    'osascript',
    '-e',
    'tell application "Terminal" to activate',
    '-e',
    `tell application "Terminal" to do script "tmux attach -t ${tmuxSession}"`,
  ];
}

export function runTerminalCommand(argv: readonly string[]): void {
  const result = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    const detail =
      result.stderr?.trim() || result.stdout?.trim() || result.error?.message || `exit code ${result.status}`;
    throw new LifecycleError(`${argv.join(' ')} failed: ${detail}`);
  }
}
