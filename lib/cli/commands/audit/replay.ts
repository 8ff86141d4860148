import {
  checkReplayOptions,
  replayTask,
  replayText,
  type ReplayFormat,
  type ReplayRole,
} from '../../../audit/replay.js';
import { defineCommand } from '../../command.js';
import { checkFamilyValues, requireTaskArg } from './family-flags.js';

export default defineCommand({
  name: 'replay',
  help: `usage: conveyor replay TASK [--format compact|timeline|transcript|full-transcript] [--role all|worker|manager|reviewer|workerctl]
                      [--limit N] [--include-content] [--json] [--path <workerctl.db>]

Replays the task's audit record in time order. compact: commands, attempts, notifications, correlation chains and
manager decisions; timeline (default): also acceptance-criterion changes; transcript: also terminal captures (one per
distinct content); full-transcript: also transcript segments with their stored text, which needs --include-content.
--limit N keeps the last N entries; --limit 0 keeps all of them (as 0.1.12 does).
When the task is done or failed the text form starts with a Finished block whose two follow-up commands carry a
literal <task> placeholder, exactly as 0.1.12 prints them (kept for compatibility).

examples:
  conveyor replay app-loop --format compact --path /tmp/demo/workerctl.db
  conveyor replay app-loop --format full-transcript --include-content --json > replay.json
`,
  run(ctx) {
    const { flags } = ctx;
    const task = requireTaskArg(flags);
    checkFamilyValues(flags);
    const options = {
      format: (flags.string('format') ?? 'timeline') as ReplayFormat,
      role: (flags.string('role') ?? 'all') as ReplayRole,
      limit: flags.number('limit', { integer: true, min: 0 }) ?? 0,
      includeContent: flags.bool('include-content'),
    };
    checkReplayOptions(options);
    const replay = replayTask(ctx.db(), task, options);
    return flags.bool('json') ? { json: replay } : { text: replayText(replay) };
  },
});
