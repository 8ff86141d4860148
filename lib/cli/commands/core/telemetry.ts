import { UsageError } from '../../../errors.js';
import { findRun, type RunRow } from '../../../queue/loop-policy.js';
import type { Db } from '../../../store/open.js';
import { requireTask, type TaskRow } from '../../../tasks/tasks.js';
import {
  queryTelemetry,
  resolveTelemetryFilter,
  summarizeTelemetry,
  type TelemetrySummary,
} from '../../../telemetry/query.js';
import {
  DEFAULT_THRESHOLDS,
  failuresReport,
  metricsReport,
  operatorSnapshot,
  taskCheck,
  taskReport,
  taskSnapshot,
  type Thresholds,
  type WindowSpec,
} from '../../../telemetry/views.js';
import { checkText, failuresText, metricsText, taskReportText } from '../../../telemetry/views-text.js';
import { THRESHOLD_FLAGS, windowSeconds } from '../../../telemetry/telemetry-input.js';
import { ROW_LIMIT } from '../../../input-rules.js';
import type { Flags } from '../../args.js';
import { defineCommand, type CommandContext, type CommandOutput } from '../../command.js';
import { checkUniversalValues } from '../../flag-checks.js';

const VIEWS = ['metrics', 'snapshot', 'check', 'task', 'failures'] as const;
type View = (typeof VIEWS)[number];

function summaryText(s: TelemetrySummary): string {
  const block = (title: string, counts: Record<string, number>) => [
    `${title}:`,
    ...Object.keys(counts)
      .sort()
      .map((k) => `  ${k}: ${counts[k]}`),
  ];
  return [
    `events: ${s.total}`,
    `first: ${s.first_timestamp ?? '-'}`,
    `last: ${s.last_timestamp ?? '-'}`,
    ...block('by actor', s.by_actor),
    ...block('by event type', s.by_event_type),
    ...block('by severity', s.by_severity),
  ].join('\n');
}

// ------------------------------------------------------------------------------ view flags (gaps spec G1.1)

function limitOf(flags: Flags): number {
  return flags.number('limit', ROW_LIMIT) ?? 100;
}

function staleCycleSecondsOf(flags: Flags): number {
  // Both spellings are accepted; the plural one wins when both are given.
  const seconds = (name: keyof typeof THRESHOLD_FLAGS) => flags.number(name, THRESHOLD_FLAGS[name]);
  return seconds('stale-cycles-seconds') ?? seconds('stale-cycle-seconds') ?? 3600;
}

function thresholdsOf(flags: Flags): Thresholds {
  const value = (name: keyof typeof THRESHOLD_FLAGS) => flags.number(name, THRESHOLD_FLAGS[name]);
  return {
    max_open_criteria: value('max-open-criteria') ?? DEFAULT_THRESHOLDS.max_open_criteria,
    max_storage_bytes: value('max-storage-bytes') ?? DEFAULT_THRESHOLDS.max_storage_bytes,
    max_unfinished_commands: value('max-unfinished-commands') ?? DEFAULT_THRESHOLDS.max_unfinished_commands,
    stale_cycle_seconds: staleCycleSecondsOf(flags),
    worker_staleness_seconds: value('worker-staleness-seconds') ?? DEFAULT_THRESHOLDS.worker_staleness_seconds,
  };
}

/** `--window 30m|24h|7d|2w`: trimmed and lower-cased to read it, echoed as typed. */
function windowOf(flags: Flags, fallback: string | null): WindowSpec | null {
  const label = flags.string('window') ?? fallback;
  if (label === null) return null;
  return { label, seconds: windowSeconds(label) };
}

function taskFlag(db: Db, flags: Flags): TaskRow | null {
  const ref = flags.string('task');
  return ref === undefined ? null : requireTask(db, ref);
}

function runFlag(db: Db, flags: Flags, task: TaskRow | null): RunRow | null {
  const ref = flags.string('run');
  if (ref === undefined) return null;
  const run = findRun(db, ref, task?.id);
  if (!run) throw new UsageError(task ? `Unknown run for task: ${ref}` : `Unknown run: ${ref}`);
  return run;
}

function runView(ctx: CommandContext, view: View): CommandOutput {
  const { flags } = ctx;
  const json = flags.bool('json');
  const db = ctx.db();
  const now = ctx.now();
  switch (view) {
    case 'task': {
      const ref = flags.positional(1) ?? flags.string('task');
      if (ref === undefined) throw new UsageError('telemetry task requires a task name or ID');
      const report = taskReport(
        db,
        { task: requireTask(db, ref), limit: limitOf(flags), staleCycleSeconds: staleCycleSecondsOf(flags) },
        now,
      );
      return json ? { json: report } : { text: taskReportText(report) };
    }
    case 'snapshot': {
      const task = taskFlag(db, flags);
      const limit = limitOf(flags);
      // snapshot has no text form: both modes print the JSON.
      if (task) return { json: taskSnapshot(db, { task, limit }, now) };
      return {
        json: operatorSnapshot(
          db,
          { limit, activeOnly: flags.bool('active-only'), thresholds: thresholdsOf(flags) },
          now,
        ),
      };
    }
    case 'check': {
      const task = taskFlag(db, flags);
      const limit = limitOf(flags);
      const thresholds = thresholdsOf(flags);
      const check = task
        ? taskCheck(db, { task, limit, thresholds }, now)
        : operatorSnapshot(db, { limit, activeOnly: flags.bool('active-only'), thresholds }, now);
      const exitCode = check.checks.ok ? 0 : 1;
      return json ? { json: check, exitCode } : { text: checkText(check), exitCode };
    }
    case 'failures': {
      const task = taskFlag(db, flags);
      const input = {
        task,
        run: runFlag(db, flags, task),
        window: windowOf(flags, null),
        activeOnly: flags.bool('active-only'),
        limit: limitOf(flags),
        staleCycleSeconds: staleCycleSecondsOf(flags),
      };
      const report = failuresReport(db, input, now);
      return json ? { json: report } : { text: failuresText(report) };
    }
    case 'metrics': {
      const task = taskFlag(db, flags);
      const window = windowOf(flags, '24h') as WindowSpec;
      const report = metricsReport(db, { task, run: runFlag(db, flags, task), window }, now);
      return json ? { json: report } : { text: metricsText(report) };
    }
  }
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
    'stale-cycle-seconds': 'string',
    'active-only': 'boolean',
    'max-unfinished-commands': 'string',
    'max-open-criteria': 'string',
    'max-storage-bytes': 'string',
    'stale-cycles-seconds': 'string',
    'worker-staleness-seconds': 'string',
  },
  help: `usage: conveyor telemetry [--task TASK] [--run RUN] [--actor A] [--event-type TYPE] [--severity S] [--search TEXT] [--limit N] [--newest] [--summary] [--json] [--path <workerctl.db>]
       conveyor telemetry task TASK [--limit N] [--stale-cycles-seconds N] [--json]
       conveyor telemetry snapshot [--task TASK] [--limit N] [--active-only] [thresholds]
       conveyor telemetry check [--task TASK] [--limit N] [--active-only] [thresholds] [--json]
       conveyor telemetry failures [--task TASK] [--run RUN] [--window W] [--active-only] [--limit N] [--json]
       conveyor telemetry metrics [--task TASK] [--run RUN] [--window 24h] [--json]

Lists telemetry events oldest first (--newest flips), at most --limit (default 100). Filters combine: --task and
--run take an id or name; --actor is dispatch, manager, operator, system, worker or workerctl; --severity is
debug, info, warning or error; --search matches every whitespace-separated word in the summary and attributes
(no prefix, phrase or OR syntax), or an exact event type; a blank --search is an FTS syntax error, as in 0.1.12.
--summary prints totals by actor, event type and severity instead.

Views (the shapes of agent-conveyor 0.1.12): task TASK (one task's commands, cycles, criteria, decisions,
ingest, storage and alerts); snapshot (with --task: that task's binding, sessions and diagnostics; without:
the operator view of every task, session and drift; always JSON); check (snapshot plus thresholds, exit 1
when any alert remains); failures (failed cycles and commands, ingest errors, pane-capture failures, open
criteria; --window such as 30m, 24h, 7d, 2w); metrics (counters over --window, default 24h, and gauges).
--limit (default 100) caps every list of a view; counts stay exact except where 0.1.12 counted the capped
list (failures' alerts, ingest error_count, pane_capture_failure_count).
Thresholds: --max-unfinished-commands N (default 0), --max-open-criteria N (0), --max-storage-bytes N (off),
--worker-staleness-seconds N (3600), --stale-cycles-seconds N (3600; also --stale-cycle-seconds).
Flags a view does not use are ignored; --flag=value is never a flag.

examples:
  conveyor telemetry --task app-loop --json --path /tmp/demo/workerctl.db
  conveyor telemetry --search 'worker completion' --newest --limit 5 --path /tmp/demo/workerctl.db
  conveyor telemetry task app-loop --json --path /tmp/demo/workerctl.db
  conveyor telemetry check --task app-loop --max-open-criteria 1 --path /tmp/demo/workerctl.db
  conveyor telemetry failures --window 24h --json --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    const { flags } = ctx;
    checkUniversalValues(flags);
    // Every numeric flag is checked before the database is opened, whichever view reads it.
    thresholdsOf(flags);
    windowOf(flags, null);
    const first = flags.positional(0);
    if (first !== undefined) {
      if (!(VIEWS as readonly string[]).includes(first)) throw new UsageError(`Unexpected argument: ${first}`);
      const extra = flags.positional(first === 'task' ? 2 : 1);
      if (extra !== undefined) throw new UsageError(`Unexpected argument: ${extra}`);
      return runView(ctx, first as View);
    }
    const db = () => ctx.db();
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
    return {
      text: events.map((e) => `${e.timestamp} ${e.actor} ${e.event_type} [${e.severity}] ${e.summary}`).join('\n'),
    };
  },
});
