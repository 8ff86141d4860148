import { UsageError } from '../../../errors.js';
import { queryTelemetry, resolveTelemetryFilter, summarizeTelemetry, type TelemetrySummary } from '../../../telemetry/query.js';
import { THRESHOLD_FLAGS, windowSeconds } from '../../../telemetry/telemetry-input.js';
import { TELEMETRY_VIEWS, telemetryView, type ViewName } from '../../../telemetry/views.js';
import { ROW_LIMIT } from '../../../input-rules.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues } from '../../flag-checks.js';

function summaryText(s: TelemetrySummary): string {
  const block = (title: string, counts: Record<string, number>) => [`${title}:`, ...Object.keys(counts).sort().map((k) => `  ${k}: ${counts[k]}`)];
  return [`events: ${s.total}`, `first: ${s.first_timestamp ?? '-'}`, `last: ${s.last_timestamp ?? '-'}`, ...block('by actor', s.by_actor), ...block('by event type', s.by_event_type), ...block('by severity', s.by_severity)].join('\n');
}

export default defineCommand({
  name: 'telemetry',
  flags: {
    summary: 'boolean',
    run: 'string',
    actor: 'string',
    'event-type': 'string',
    severity: 'string',
    search: 'string',
    newest: 'boolean',
    window: 'string',
    'active-only': 'boolean',
    'max-unfinished-commands': 'string',
    'max-open-criteria': 'string',
    'max-storage-bytes': 'string',
    'stale-cycles-seconds': 'string',
    'worker-staleness-seconds': 'string',
  },
  help: `usage: conveyor telemetry [--task TASK] [--run RUN] [--actor A] [--event-type TYPE] [--severity S] [--search TEXT] [--limit N] [--newest] [--summary] [--json] [--path <workerctl.db>]
       conveyor telemetry metrics|snapshot|check|failures [--task TASK] [--window 24h] [--json]
       conveyor telemetry task TASK [--limit N] [--json]

Lists telemetry events oldest first (--newest flips), at most --limit (default 100). Filters combine: --task and
--run take an id or name; --actor is dispatch, manager, operator, system, worker or workerctl; --severity is
debug, info, warning or error; --search matches every word in the summary and attributes (or an exact event
type). --summary prints totals by actor, event type and severity instead. Text lines: time, actor, type,
[severity], summary.
Views: metrics (counters over --window), snapshot (operator or --task state), check (exit 1 when unhealthy:
failed or unfinished commands, open criteria, stale sessions, storage; thresholds --max-unfinished-commands,
--max-open-criteria, --max-storage-bytes, --worker-staleness-seconds), task TASK (one task's history), failures.

examples:
  conveyor telemetry --task app-loop --json --path /tmp/demo/workerctl.db
  conveyor telemetry --search 'worker completion' --newest --limit 5 --path /tmp/demo/workerctl.db
  conveyor telemetry check --task app-loop --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    checkUniversalValues(flags);
    // Every numeric flag is checked before the database is opened, whichever view reads it.
    for (const [name, range] of Object.entries(THRESHOLD_FLAGS)) flags.number(name, range);
    if (flags.has('window')) windowSeconds(flags.string('window'));
    const first = flags.positional(0);
    const db = () => ctx.db();
    if (first !== undefined) {
      if (!(TELEMETRY_VIEWS as readonly string[]).includes(first)) throw new UsageError(`telemetry: unknown view ${JSON.stringify(first)} (expected ${TELEMETRY_VIEWS.join(', ')})`);
      flags.maxPositionals(first === 'task' ? 2 : 1);
      const result = telemetryView(db(), first as ViewName, { flags, now: ctx.now(), dbPath: ctx.dbPath() });
      if (flags.bool('json') || result.text === undefined) return { json: result.json, exitCode: result.exitCode };
      return { text: result.text, exitCode: result.exitCode };
    }
    const filter = {
      task: flags.string('task'),
      run: flags.string('run'),
      actor: flags.string('actor'),
      eventType: flags.string('event-type') ?? flags.string('type'),
      severity: flags.string('severity'),
      search: flags.string('search'),
      limit: flags.number('limit', ROW_LIMIT),
      newest: flags.bool('newest'),
    };
    const events = queryTelemetry(db(), filter);
    if (flags.bool('summary')) {
      const summary = summarizeTelemetry(events, resolveTelemetryFilter(db(), filter));
      return flags.bool('json') ? { json: summary } : { text: summaryText(summary) };
    }
    if (flags.bool('json')) return { json: events };
    return { text: events.map((e) => `${e.timestamp} ${e.actor} ${e.event_type} [${e.severity}] ${e.summary}`).join('\n') };
  },
});
