import { doctorSelf } from '../../../maintenance/doctor.js';
import { systemToolRunner } from '../../../maintenance/processes.js';
import { defineCommand } from '../../command.js';
import { checkFamilyValues } from './family-flags.js';
import { packageRoot } from './package-root.js';

export default defineCommand({
  name: 'doctor-self',
  flags: { session: 'string' },
  help: `usage: conveyor doctor-self [--session S | --tmux-session S]

Checks workerctl, tmux and codex on PATH, the tmux session this runs in (\`tmux display-message -p '#S'\`, or the
given session, which must exist), and the installed skills under $CODEX_HOME (default ~/.codex). Prints JSON with
the checks, supported/ok, the register-worker command template and follow-up steps; exits 1 when not supported.
Never opens the database. Paths are facts of this machine; Codex app sessions register without tmux instead.

example:
  conveyor doctor-self --session codex-worker-1
`,
  run(ctx) {
    const { flags } = ctx;
    flags.maxPositionals(0);
    checkFamilyValues(flags);
    const session = flags.string('session') ?? flags.string('tmux-session');
    const report = doctorSelf({ session, env: ctx.env, projectRoot: packageRoot() }, systemToolRunner(ctx.env));
    const ok = report.supported === true;
    return {
      json: report,
      exitCode: ok ? 0 : 1,
      stderr: ok ? undefined : 'doctor-self: this session cannot register as a tmux-backed worker',
    };
  },
});
