// Who writes telemetry, and how loud. Pure: the server's zod enums and the dashboard's filters use these lists.
export const ACTORS = ['dispatch', 'manager', 'worker', 'operator', 'workerctl', 'system'] as const;
export type Actor = (typeof ACTORS)[number];

export const SEVERITIES = ['debug', 'info', 'warning', 'error'] as const;
export type Severity = (typeof SEVERITIES)[number];
