// A tmux server of its own for one test: TMUX_TMPDIR in a fresh short /tmp folder (socket paths are limited to about
// 107 bytes), TMUX unset so no outer server leaks in. dispose() kills the server and removes the folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { processTmuxRunner } from './runner.js';
import { Tmux } from './tmux.js';

export interface IsolatedTmux {
  tmux: Tmux;
  /** The environment that selects this server (for child processes such as bin/conveyor). */
  env: NodeJS.ProcessEnv;
  dir: string;
  /** Waits until the pane shows `text` (capture on each look), failing after `timeoutMs`. */
  waitForPane(target: string, text: string, timeoutMs?: number): Promise<string>;
  dispose(): void;
}

export function isolatedTmux(): IsolatedTmux {
  const dir = mkdtempSync(join(tmpdir().length > 20 ? '/tmp' : tmpdir(), 'cvtx-'));
  const env: NodeJS.ProcessEnv = { ...process.env, TMUX_TMPDIR: dir };
  delete env.TMUX;
  delete env.TMUX_PANE;
  const tmux = new Tmux(processTmuxRunner({ env }));
  return {
    tmux,
    env,
    dir,
    async waitForPane(target, text, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      for (;;) {
        const result = tmux.unchecked(['capture-pane', '-p', '-t', target]);
        last = result.stdout;
        if (result.status === 0 && last.includes(text)) return last;
        if (Date.now() > deadline)
          throw new Error(`pane ${target} never showed ${JSON.stringify(text)}; last capture:\n${last}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    dispose() {
      spawnSync('tmux', ['kill-server'], { env, encoding: 'utf8' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
