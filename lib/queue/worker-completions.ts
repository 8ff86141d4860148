// Routes a worker's task_complete event to its manager as a worker_task_complete notification, once per event
// (the dedupe key), and re-claims completions an earlier pass left pending.
import { isoSeconds } from '../clock.js';
import { deliveryModeOf } from './command-routing.js';
import type { DispatchItem, DispatchSettings } from './dispatch-options.js';
import type { Db } from '../store/open.js';
import type { NotificationRow as InboxNotificationRow } from './inbox.js';
import { newId } from '../store/ids.js';
import { parseJsonObject, stableJson } from '../store/json.js';
import { findSessionById, type SessionRow } from '../sessions/sessions.js';
import { appendTelemetry } from '../telemetry/telemetry.js';

interface CompletionCandidate {
  event_id: number;
  event_timestamp: string;
  payload_json: string;
  binding_id: string;
  task_id: string;
  task_name: string;
  worker_session_id: string;
  manager_session_id: string;
}

function completionCandidates(db: Db, limit: number): CompletionCandidate[] {
  return db
    .prepare<[number], CompletionCandidate>(
      `select e.id as event_id, e.timestamp as event_timestamp, e.payload_json, b.id as binding_id, b.task_id, t.name as task_name,
              b.worker_session_id, b.manager_session_id
         from codex_events e
         join bindings b on b.worker_session_id = e.session_id and b.state in ('active','ending') and b.manager_session_id is not null
         join tasks t on t.id = b.task_id
        where e.subtype = 'task_complete'
          and not exists (select 1 from routed_notifications n where n.source_event_id = e.id)
        order by e.id limit ?`,
    )
    .all(limit);
}

function completionMessage(worker: string, task: string): string {
  return `Worker ${worker} finished a turn on task ${task}. Inspect its work (conveyor cycle), check the evidence against the acceptance criteria, then decide: finish, ask for fixes, or keep watching.`;
}

function workerReceipt(payload: Record<string, unknown>, eventId: number, eventTimestamp: string, source: string) {
  const field = (key: string) => (payload[key] === undefined ? null : payload[key]);
  return {
    completed_at: field('completed_at'),
    duration_ms: field('duration_ms'),
    last_agent_message: field('last_agent_message'),
    source_event_id: eventId,
    source_event_timestamp: eventTimestamp,
    source_session: source,
    time_to_first_token_ms: field('time_to_first_token_ms'),
    turn_id: field('turn_id'),
  };
}

/** The columns a completion's recovery reads (inbox.ts holds the whole row type). */
type NotificationRow = Pick<
  InboxNotificationRow,
  | 'id'
  | 'task_id'
  | 'binding_id'
  | 'correlation_id'
  | 'source_session_id'
  | 'target_session_id'
  | 'source_event_id'
  | 'claimed_by'
  | 'claim_expires_at'
  | 'side_effect_started'
  | 'payload_json'
>;

/** Worker completions not yet routed (and, outside dry runs, pending ones to recover), within `budget`. */
export function routeCompletions(db: Db, s: DispatchSettings, now: Date, budget: number): DispatchItem[] {
  const at = isoSeconds(now);
  const expires = isoSeconds(new Date(now.getTime() + s.leaseSeconds * 1000));
  const items: DispatchItem[] = [];
  if (!s.dryRun) items.push(...recoverCompletions(db, s, now, at, expires, budget));
  for (const c of completionCandidates(db, Math.max(0, budget - items.length))) {
    const worker = findSessionById(db, c.worker_session_id) as SessionRow;
    const manager = findSessionById(db, c.manager_session_id) as SessionRow;
    const dedupeKey = `${c.binding_id}:worker_task_complete:${c.worker_session_id}:${c.event_id}`;
    const correlationId = newId('dispatch');
    if (s.dryRun) {
      items.push({
        binding_id: c.binding_id,
        correlation_id: correlationId,
        dedupe_key: dedupeKey,
        dry_run: true,
        signal_type: 'worker_task_complete',
        source_event_id: c.event_id,
        state: 'planned',
        target_session: manager.name,
        task: c.task_name,
      });
      continue;
    }
    const deliveryMode = deliveryModeOf(manager);
    const payload = {
      delivery_mode: deliveryMode,
      dispatcher_id: s.dispatcherId,
      message: completionMessage(worker.name, c.task_name),
      signal: 'worker_task_complete',
      source_event_id: c.event_id,
      source_session: worker.name,
      target_session: manager.name,
      task: c.task_name,
      worker_receipt: workerReceipt(parseJsonObject(c.payload_json), c.event_id, c.event_timestamp, worker.name),
    };
    const correlation = {
      binding_id: c.binding_id,
      correlation_id: correlationId,
      dispatcher_id: s.dispatcherId,
      signal_type: 'worker_task_complete',
      source_event_id: c.event_id,
    };
    const item = db
      .transaction((): DispatchItem => {
        const inserted = db
          .prepare(
            `insert or ignore into routed_notifications(task_id, binding_id, correlation_id, source_session_id, target_session_id, signal_type, source_event_id,
             source_event_timestamp, dedupe_key, created_at, delivery_mode, state, claimed_by, claimed_at, claim_expires_at, payload_json)
           values (?, ?, ?, ?, ?, 'worker_task_complete', ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
          )
          .run(
            c.task_id,
            c.binding_id,
            correlationId,
            worker.id,
            manager.id,
            c.event_id,
            c.event_timestamp,
            dedupeKey,
            at,
            deliveryMode,
            s.dispatcherId,
            at,
            expires,
            stableJson(payload),
          );
        const base = {
          binding_id: c.binding_id,
          correlation_id: correlationId,
          dedupe_key: dedupeKey,
          delivery_mode: deliveryMode,
          dry_run: false,
          signal_type: 'worker_task_complete',
          source_event_id: c.event_id,
          target_session: manager.name,
          task: c.task_name,
        };
        if (inserted.changes === 0) {
          appendTelemetry(db, {
            taskId: c.task_id,
            timestamp: at,
            actor: 'dispatch',
            eventType: 'dispatch_signal_suppressed',
            severity: 'warning',
            summary: `Worker completion for ${c.task_name} was already routed.`,
            correlation,
            attributes: {
              dedupe_key: dedupeKey,
              error: 'dedupe key already routed',
              source_session: worker.name,
              target_session: manager.name,
            },
          });
          return { ...base, notification_id: null, state: 'suppressed' };
        }
        const notificationId = Number(inserted.lastInsertRowid);
        appendTelemetry(db, {
          taskId: c.task_id,
          timestamp: at,
          actor: 'dispatch',
          eventType: 'dispatch_signal_detected',
          summary: `Dispatcher found a worker completion on ${c.task_name}.`,
          correlation,
          attributes: { delivery_mode: deliveryMode, source_session: worker.name, target_session: manager.name },
        });
        return { ...base, notification_id: notificationId };
      })
      .immediate();
    if (item.state === 'suppressed') {
      items.push(item);
      continue;
    }
    items.push(
      deliverCompletion(
        db,
        s,
        at,
        item,
        { ...correlation, routed_notification_id: item.notification_id },
        manager,
        payload.message,
        false,
      ),
    );
  }
  return items;
}

function deliverCompletion(
  db: Db,
  s: DispatchSettings,
  at: string,
  item: DispatchItem,
  correlation: Record<string, unknown>,
  manager: SessionRow,
  message: string,
  recovered: boolean,
): DispatchItem {
  const id = item.notification_id as number;
  const taskId =
    db.prepare<[number], { task_id: string }>('select task_id from routed_notifications where id = ?').get(id)
      ?.task_id ?? null;
  const extra = recovered ? { recovered: true } : {};
  if (!manager.tmux_session) {
    return db
      .transaction((): DispatchItem => {
        db.prepare(
          `update routed_notifications set state = 'delivered', delivered_at = ?, error = null where id = ?`,
        ).run(at, id);
        appendTelemetry(db, {
          taskId,
          timestamp: at,
          actor: 'dispatch',
          eventType: 'dispatch_signal_pull_required',
          summary: `Worker completion waits in ${manager.name}'s inbox (pull).`,
          correlation,
          attributes: { delivery_mode: 'pull_required', target_session: manager.name, ...extra },
        });
        return { ...item, ...extra, state: 'pull_required' };
      })
      .immediate();
  }
  db.prepare('update routed_notifications set side_effect_started = 1 where id = ?').run(id);
  const sent = s.push(manager, message, at);
  return db
    .transaction((): DispatchItem => {
      if (sent.ok) {
        db.prepare(
          `update routed_notifications set state = 'delivered', delivered_at = ?, side_effect_completed = 1, error = null where id = ?`,
        ).run(at, id);
        appendTelemetry(db, {
          taskId,
          timestamp: at,
          actor: 'dispatch',
          eventType: 'dispatch_signal_routed',
          summary: `Pushed a worker completion to ${manager.name}.`,
          correlation,
          attributes: { target: manager.tmux_session, target_session: manager.name, ...extra },
        });
        return { ...item, ...extra, state: 'delivered' };
      }
      if (sent.started)
        db.prepare(`update routed_notifications set state = 'failed', error = ? where id = ?`).run(sent.error, id);
      else
        db.prepare(
          `update routed_notifications set error = ?, claimed_by = null, claimed_at = null, claim_expires_at = null, side_effect_started = 0 where id = ?`,
        ).run(sent.error, id);
      appendTelemetry(db, {
        taskId,
        timestamp: at,
        actor: 'dispatch',
        eventType: 'dispatch_signal_failed',
        severity: 'error',
        summary: `Pushing a worker completion to ${manager.name} failed.`,
        correlation,
        attributes: { error: sent.error, error_type: 'PushDeliveryError', target_session: manager.name, ...extra },
      });
      return { ...item, ...extra, error: sent.error, state: 'failed' };
    })
    .immediate();
}

/** Completion rows left pending by an earlier pass: fail the risky ones, re-claim and deliver the rest. */
function recoverCompletions(
  db: Db,
  s: DispatchSettings,
  now: Date,
  at: string,
  expires: string,
  budget: number,
): DispatchItem[] {
  const rows = db
    .prepare<[], NotificationRow>(
      `select id, task_id, binding_id, correlation_id, source_session_id, target_session_id, source_event_id, claimed_by, claim_expires_at, side_effect_started, payload_json
         from routed_notifications where state = 'pending' and signal_type = 'worker_task_complete' order by created_at, id`,
    )
    .all();
  const items: DispatchItem[] = [];
  for (const row of rows) {
    if (items.length >= budget) break;
    const expired = row.claim_expires_at === null || Date.parse(row.claim_expires_at) <= now.getTime();
    if (!expired) continue;
    const correlation = {
      binding_id: row.binding_id,
      correlation_id: row.correlation_id,
      dispatcher_id: s.dispatcherId,
      routed_notification_id: row.id,
      signal_type: 'worker_task_complete',
      source_event_id: row.source_event_id,
    };
    if (row.side_effect_started === 1) {
      const error =
        'completion delivery started but never finished before its claim expired; check the manager session by hand';
      db.transaction(() => {
        db.prepare(`update routed_notifications set state = 'failed', error = ? where id = ?`).run(error, row.id);
        appendTelemetry(db, {
          taskId: row.task_id,
          timestamp: at,
          actor: 'dispatch',
          eventType: 'dispatch_signal_failed',
          severity: 'error',
          summary: 'A stale worker-completion delivery was failed.',
          correlation,
          attributes: {
            claim_expires_at: row.claim_expires_at,
            claimed_by: row.claimed_by,
            error,
            side_effect_risk: true,
          },
        });
      }).immediate();
      items.push({
        binding_id: row.binding_id,
        claim_expires_at: row.claim_expires_at,
        claimed_by: row.claimed_by,
        correlation_id: row.correlation_id,
        error,
        notification_id: row.id,
        signal_type: 'worker_task_complete',
        source_event_id: row.source_event_id,
        state: 'failed',
        task_id: row.task_id,
      });
      continue;
    }
    const manager = findSessionById(db, row.target_session_id) as SessionRow;
    const payload = parseJsonObject(row.payload_json);
    db.transaction(() => {
      db.prepare(
        `update routed_notifications set claimed_by = ?, claimed_at = ?, claim_expires_at = ? where id = ?`,
      ).run(s.dispatcherId, at, expires, row.id);
      appendTelemetry(db, {
        taskId: row.task_id,
        timestamp: at,
        actor: 'dispatch',
        eventType: 'dispatch_signal_recovered',
        summary: `Dispatcher re-claimed a pending worker completion for ${manager.name}.`,
        correlation,
        attributes: { delivery_mode: deliveryModeOf(manager), target_session: manager.name },
      });
    }).immediate();
    const item = {
      binding_id: row.binding_id,
      correlation_id: row.correlation_id,
      dedupe_key: `${row.binding_id}:worker_task_complete:${row.source_session_id}:${row.source_event_id}`,
      delivery_mode: deliveryModeOf(manager),
      dry_run: false,
      notification_id: row.id,
      signal_type: 'worker_task_complete',
      source_event_id: row.source_event_id,
      target_session: manager.name,
      task: typeof payload.task === 'string' ? payload.task : row.task_id,
    };
    items.push(deliverCompletion(db, s, at, item, correlation, manager, String(payload.message ?? ''), true));
  }
  return items;
}
