import { resolve } from 'node:path';
import { doctor } from '../../../maintenance/doctor.js';
import { systemToolRunner } from '../../../maintenance/processes.js';
import { expandHome } from '../../../store/location.js';
import { defineCommand } from '../../command.js';
import { checkFamilyValues } from './family-flags.js';
import { packageRoot } from './package-root.js';

export default defineCommand({
  name: 'doctor',
  help: `usage: conveyor doctor [--cwd DIR]

Checks that tmux and codex are on PATH (and what \`tmux -V\` and \`codex --version\` say), that the target folder
(--cwd, default the current one) exists, and whether its state root ($WORKERCTL_STATE_ROOT, else
DIR/.codex-workers) exists; lists the legacy worker folders found there. Never opens the database (--path is
accepted and ignored). Prints JSON {checks, ok, project_root, workers}; exits 1 when a check other than
state_root_exists fails. Paths, versions and project_root are facts of this machine.
As in 0.1.12 every state-root folder's status.json is read, so an invalid one fails the command.

example:
  conveyor doctor --cwd ~/src/my-project
`,
  run(ctx) {
    const { flags } = ctx;
    flags.maxPositionals(0);
    checkFamilyValues(flags);
    const cwd = flags.string('cwd');
    const report = doctor(
      {
        cwd: ctx.cwd,
        targetCwd: cwd === undefined ? undefined : resolve(ctx.cwd, expandHome(cwd)),
        env: ctx.env,
        projectRoot: packageRoot(),
      },
      systemToolRunner(ctx.env),
    );
    const ok = report.ok === true;
    return {
      json: report,
      exitCode: ok ? 0 : 1,
      stderr: ok ? undefined : 'doctor: a dependency check failed',
    };
  },
});
