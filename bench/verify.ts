// Checks a database against the writes its writers acknowledged: every acknowledged write is there exactly
// once, telemetry and its FTS mirror agree, no notification was consumed twice, the file is intact.
import Database from 'better-sqlite3';

export interface Ack {
  kind: string;
  id?: string | number;
  task?: string;
  role?: string;
  by?: string;
  busy?: boolean;
  code?: number;
  argv?: string;
  err?: string;
}

export interface Verdict {
  operations: number;
  acknowledged: number;
  found: number;
  lost: number;
  duplicated: number;
  busy_errors: number;
  other_errors: number;
  integrity: string;
  telemetry_rows: number;
  fts_rows: number;
  telemetry_without_fts: number;
  double_consumed: number;
}

export function verify(dbPath: string, acks: readonly Ack[], options: { exactHeartbeats?: boolean } = {}): Verdict {
  const db = new Database(dbPath, { readonly: true });
  let acknowledged = 0;
  let found = 0;
  let duplicated = 0;
  const countTelemetry = db.prepare<[string], { n: number }>('select count(*) n from telemetry_events where id = ?');
  const countFts = db.prepare<[string], { n: number }>(
    'select count(*) n from telemetry_events_fts where event_id = ?',
  );
  const countCommand = db.prepare<[string], { n: number }>('select count(*) n from commands where id = ?');
  const notification = db.prepare<[number], { consumed_at: string | null }>(
    'select consumed_at from routed_notifications where id = ?',
  );

  for (const a of acks) {
    if (a.kind === 'receipt' || a.kind === 'delivery') {
      acknowledged++;
      const n = countTelemetry.get(String(a.id))?.n ?? 0;
      const f = countFts.get(String(a.id))?.n ?? 0;
      if (n >= 1 && f >= 1) found++;
      if (n > 1 || f > 1) duplicated++;
    } else if (a.kind === 'command') {
      acknowledged++;
      const n = countCommand.get(String(a.id))?.n ?? 0;
      if (n >= 1) found++;
      if (n > 1) duplicated++;
    } else if (a.kind === 'consumed') {
      acknowledged++;
      if (notification.get(Number(a.id))?.consumed_at) found++;
    }
  }

  // Heartbeats return no row id: compare counts per task and role.
  const heartbeats = new Map<string, number>();
  for (const a of acks)
    if (a.kind === 'heartbeat') heartbeats.set(`${a.task}|${a.role}`, (heartbeats.get(`${a.task}|${a.role}`) ?? 0) + 1);
  const stored = db.prepare<[string, string], { n: number }>(
    `select count(*) n from telemetry_events t join tasks k on k.id = t.task_id where t.event_type = 'app_heartbeat' and k.name = ? and t.actor = ?`,
  );
  for (const [key, acked] of heartbeats) {
    const [task, role] = key.split('|') as [string, string];
    const n = stored.get(task, role)?.n ?? 0;
    acknowledged += acked;
    found += Math.min(n, acked);
    // A process killed between commit and its ack line leaves one more row than acknowledged; that is
    // not a duplicate. Only a soak without kills may demand equality.
    if (options.exactHeartbeats && n > acked) duplicated += n - acked;
  }

  const consumedBy = new Map<string | number, number>();
  for (const a of acks)
    if (a.kind === 'consumed' && a.id !== undefined) consumedBy.set(a.id, (consumedBy.get(a.id) ?? 0) + 1);
  const doubleConsumed = [...consumedBy.values()].filter((n) => n > 1).length;

  const totals = db
    .prepare(
      `select (select count(*) from telemetry_events) t, (select count(*) from telemetry_events_fts) f,
              (select count(*) from telemetry_events e where not exists (select 1 from telemetry_events_fts s where s.event_id = e.id)) missing`,
    )
    .get() as { t: number; f: number; missing: number };
  const integrity = String(db.pragma('integrity_check', { simple: true }));
  db.close();
  return {
    operations: acks.filter((a) => a.kind === 'op').length,
    acknowledged,
    found,
    lost: acknowledged - found,
    duplicated: duplicated + doubleConsumed,
    busy_errors: acks.filter((a) => a.kind === 'error' && a.busy).length,
    other_errors: acks.filter((a) => a.kind === 'error' && !a.busy).length,
    integrity,
    telemetry_rows: totals.t,
    fts_rows: totals.f,
    telemetry_without_fts: totals.missing,
    double_consumed: doubleConsumed,
  };
}
