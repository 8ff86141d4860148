import { UsageError } from '../../../errors.js';
import { checkWorkerName } from '../../../legacy/state-files.js';
import { existingDirectory, startRawSession } from '../../../legacy/workers.js';
import { requireTool } from '../../../tmux/launch.js';
import { defineCommand } from '../../command.js';
import { packageBinDir } from '../../package-root.js';
import { stateFilesOf, tmuxOf } from './options.js';

/** Codex options whose value is the next word (unless that word starts with --). */
const CODEX_VALUE_OPTIONS = new Set([
  '--add-dir',
  '--ask-for-approval',
  '--cd',
  '--config',
  '--image',
  '--model',
  '--profile',
  '--remote',
  '--remote-auth-token-env',
  '--sandbox',
  '-C',
  '-a',
  '-c',
  '-i',
  '-m',
  '-p',
  '-s',
]);

export default defineCommand({
  name: 'start',
  rawArgs: true,
  help: `usage: conveyor start SESSION [--cwd DIR] [--no-start-prompt] [codex options...] [-- codex args...]

Starts \`codex --cd DIR --no-alt-screen [codex options]\` in a new tmux session named SESSION (as given; letters,
digits, '_', '-'), with a prompt (saved in <state root>/artifacts/start-prompts/SESSION.md) that tells the raw
session how to register itself, create a task, start a manager and bind them. Every other option, --json and
--path included, is passed to codex, as in agent-conveyor 0.1.12 (so \`start\` never refuses an option).
Prints JSON with the attach command and the setup command templates. No database access.
Exit 1: codex or tmux missing, a missing --cwd, SESSION already running.
`,
  run(ctx) {
    const words = ctx.flags.parsed.positionals;
    let session: string | undefined;
    let cwd: string | undefined;
    let startPrompt = true;
    const passthrough: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const word = words[i] as string;
      if (word === '--') {
        passthrough.push(...words.slice(i + 1));
        break;
      }
      if (word === '--cwd') {
        cwd = words[++i];
        if (cwd === undefined) throw new UsageError('start: --cwd needs a directory');
      } else if (word === '--no-start-prompt') startPrompt = false;
      else if (word.startsWith('-')) {
        passthrough.push(word);
        const next = words[i + 1];
        if (CODEX_VALUE_OPTIONS.has(word) && next !== undefined && !next.startsWith('--'))
          passthrough.push(words[++i] as string);
      } else if (session === undefined) session = word;
      else passthrough.push(word);
    }
    if (session === undefined) throw new UsageError('start needs a tmux session name');
    requireTool('codex', ctx.env);
    checkWorkerName(session);
    const dir = existingDirectory(cwd ?? ctx.cwd, ctx.cwd);
    return {
      json: startRawSession(tmuxOf(ctx), stateFilesOf(ctx), {
        session,
        cwd: dir,
        startPrompt,
        passthrough,
        binDir: packageBinDir(),
      }),
    };
  },
});
