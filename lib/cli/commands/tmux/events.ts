import { readWorkerEvents } from '../../../legacy/observe.js';
import { UsageError } from '../../../errors.js';
import { stableJson } from '../../../store/json.js';
import { defineCommand } from '../../command.js';
import { atMostPositionals, OBSERVE_REJECTED, STATE_ROOT_NOTE, stateFilesOf } from './options.js';

export default defineCommand({
  name: 'events',
  help: `usage: conveyor events NAME [--type TYPE] [--limit N]

Prints NAME/events.jsonl of a legacy worker or registered session, one compact JSON object per line (keys sorted).
--type keeps one event type; --limit N keeps the last N (0: all). Lines that are not JSON objects are skipped with
one warning on stderr. Use \`conveyor telemetry\` for the database's telemetry.
${STATE_ROOT_NOTE}
`,
  run(ctx) {
    const { flags } = ctx;
    flags.reject(
      OBSERVE_REJECTED.filter((f) => f !== 'type' && f !== 'limit').concat(['include-content', 'busy-wait-seconds']),
    );
    const name = flags.positional(0);
    if (name === undefined) throw new UsageError('events needs a worker or session name');
    atMostPositionals(flags, 1);
    const limit = flags.number('limit', { integer: true, min: 0 }) ?? 0;
    const files = stateFilesOf(ctx);
    files.dir(name);
    const { events, skipped } = readWorkerEvents(ctx.db(), files, name, { type: flags.string('type'), limit });
    return {
      text: events.map((e) => stableJson(e)).join('\n'),
      ...(skipped > 0
        ? { stderr: `warning: skipped ${skipped} malformed line(s) in ${files.path(name, 'events.jsonl')}` }
        : {}),
    };
  },
});
