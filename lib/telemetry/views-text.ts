// The text forms of the telemetry views (gaps spec G1.9): a few summary lines, then one line per alert.
// `snapshot` has no text form; it prints its JSON in both modes.
import type { Alert, FailuresReport, MetricsReport, TaskReport } from './views.js';

function alertLines(alerts: readonly Alert[]): string[] {
  return alerts.map((a) => `${a.severity}: ${a.type}: ${a.message}`);
}

export function metricsText(report: MetricsReport): string {
  return [
    `window: ${report.window.label}`,
    `telemetry_events: ${report.counters.telemetry_events.total}`,
    `cycle_success_rate: ${report.rollups.cycle_success_rate ?? 'null'}`,
    `skipped_ingest_lines: ${report.counters.ingest.skipped_lines}`,
  ].join('\n');
}

export function checkText(check: { alerts: readonly Alert[]; checks: { ok: boolean } }): string {
  return [`telemetry check: ${check.checks.ok ? 'healthy' : 'unhealthy'}`, ...alertLines(check.alerts)].join('\n');
}

export function taskReportText(report: TaskReport): string {
  return [
    `task: ${String(report.task.name)}`,
    `worker_alive: ${report.liveness.worker_alive ?? 'null'}`,
    `manager_alive: ${report.liveness.manager_alive ?? 'null'}`,
    `cycles: ${JSON.stringify(report.cycles.counts_by_state)}`,
    `failed_commands: ${report.failed_commands.length}`,
    ...alertLines(report.alerts),
  ].join('\n');
}

export function failuresText(report: FailuresReport): string {
  return [
    `failed_cycles: ${report.failed_cycles.length}`,
    `failed_commands: ${report.failed_commands.length}`,
    `ingest_errors: ${report.ingest.error_count}`,
    `pane_capture_failures: ${report.pane_capture_failures.length}`,
    ...alertLines(report.alerts),
  ].join('\n');
}
