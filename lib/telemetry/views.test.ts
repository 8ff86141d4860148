import { describe, expect, it } from 'vitest';
import { Flags, parseArgs } from '../cli/args.js';
import { enqueueCommand } from '../queue/commands.js';
import { at, corePair, T0 } from '../tasks/core-fixture.test-support.js';
import { addCriterion } from '../criteria/criteria.js';
import { telemetryView, type ViewName } from './views.js';

function run(pair: ReturnType<typeof corePair>, view: ViewName, args: string[] = [], now = T0) {
  const flags = new Flags('telemetry', parseArgs('telemetry', [view, ...args], { 'max-storage-bytes': 'string', 'worker-staleness-seconds': 'string', window: 'string' }));
  return telemetryView(pair.db, view, { flags, now, dbPath: pair.dbPath });
}

describe('telemetry views', () => {
  it('check is healthy for a fresh pair and unhealthy (exit 1) past a threshold', () => {
    const pair = corePair();
    expect(run(pair, 'check', ['--task', 'core-loop'])).toMatchObject({ exitCode: 0, json: { healthy: true, alerts: [] } });
    const stale = run(pair, 'check', ['--task', 'core-loop', '--worker-staleness-seconds', '1']);
    expect(stale.exitCode).toBe(1);
    expect((stale.json as { alerts: Array<{ kind: string }> }).alerts.map((a) => a.kind)).toEqual(['stale_sessions']);
    const storage = run(pair, 'check', ['--max-storage-bytes', '1']);
    expect((storage.json as { alerts: Array<{ kind: string }> }).alerts.map((a) => a.kind)).toContain('storage_bytes');
    expect(storage.text).toMatch(/^unhealthy\n/);
  });

  it('counts unfinished commands and open criteria as alerts', () => {
    const pair = corePair();
    enqueueCommand(pair.db, { taskId: pair.task.id, type: 'nudge_worker', payload: { message: 'x' } }, at(-1));
    addCriterion(pair.db, { taskId: pair.task.id, criterion: 'c', source: 'user_requested', status: 'accepted' }, at(-1));
    const kinds = (run(pair, 'check').json as { alerts: Array<{ kind: string }> }).alerts.map((a) => a.kind);
    expect(kinds).toEqual(['unfinished_commands', 'open_criteria']);
  });

  it('task, snapshot, metrics and failures carry their top-level keys', () => {
    const pair = corePair();
    const keys = (view: ViewName, args: string[] = []) => Object.keys(run(pair, view, args).json as object).sort();
    expect(keys('task', ['core-loop'])).toEqual(['alerts', 'commands', 'criteria', 'cycles', 'decisions', 'failed_commands', 'ingest', 'liveness', 'schema_version', 'storage', 'task', 'telemetry']);
    expect(keys('snapshot')).toEqual(['alerts', 'checks', 'commands', 'criteria', 'cycles', 'reconcile', 'sessions', 'storage', 'tasks']);
    expect(keys('snapshot', ['--task', 'core-loop'])).toEqual(['alerts', 'binding', 'commands', 'criteria', 'diagnostics', 'latest_cycle', 'manager', 'run', 'task', 'telemetry', 'worker']);
    expect(keys('metrics', ['--window', '1h'])).toEqual(['counters', 'filters', 'gauges', 'generated_at', 'rollups', 'schema_version', 'window']);
    expect(keys('failures')).toEqual(['alerts', 'failed_commands', 'failed_cycles', 'filters', 'ingest', 'open_criteria', 'operator', 'pane_capture_failures', 'schema_version', 'storage']);
    expect(() => run(pair, 'metrics', ['--window', 'soon'])).toThrow(/--window/);
  });
});
