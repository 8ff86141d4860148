import { existsSync } from 'node:fs';
import { listWorkers } from '../../../legacy/observe.js';
import { openDatabase } from '../../../store/open.js';
import { resolveDatabasePath } from '../../../store/location.js';
import { defineCommand } from '../../command.js';
import { atMostPositionals, stateFilesOf, tmuxOf } from './options.js';

export default defineCommand({
  name: 'list',
  help: `usage: conveyor list [--json]

One entry per folder of the state root ($WORKERCTL_STATE_ROOT, else ./.codex-workers), by name: its newest status
(from the state root's workerctl.db, else its status.json) and whether tmux session codex-NAME runs. Text: one
TAB-separated line per folder (name, running|stopped, state, current task); --json prints the array.
Like agent-conveyor 0.1.12, every folder counts (also "artifacts" and session capture folders), and --path is
accepted but ignored.
`,
  run(ctx) {
    const { flags } = ctx;
    atMostPositionals(flags, 0);
    const files = stateFilesOf(ctx);
    const dbFile = resolveDatabasePath({ env: ctx.env, cwd: ctx.cwd });
    const db = existsSync(dbFile) ? openDatabase(dbFile, { now: ctx.now }) : null;
    try {
      const entries = listWorkers(db, tmuxOf(ctx), files);
      if (flags.bool('json')) return { json: entries };
      return { text: entries.map((e) => [e.name, e.status, e.state, e.current_task].join('\t')).join('\n') };
    } finally {
      db?.close();
    }
  },
});
