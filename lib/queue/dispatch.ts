// The dispatcher: claims queued commands and routes them to the bound session's inbox, and routes worker
// task_complete events to the manager. One pass is dispatchOnce; `dispatch --watch` repeats passes and writes a
// dispatch_watch_heartbeat after each one (data-model §5.1), which the app-* commands read as the dispatcher lease.
import { DEFAULT_DISPATCHER_ID } from '../app-loop/leases.js';
import { isoSeconds, type Clock } from '../clock.js';
import { activeBindingForTask, type LiveBinding } from '../tasks/bindings.js';
import { checkPermission, type PermissionCheck } from '../manager/permissions.js';
import {
  claimableCommands,
  claimNextCommand,
  DISPATCH_COMMAND_TYPES,
  finishAttempt,
  recoverStaleClaims,
  type Claim,
} from './commands.js';
import type { Db } from '../store/open.js';
import type { NotificationRow as InboxNotificationRow } from './inbox.js';
import { NotFoundError } from '../errors.js';
import { newId } from '../store/ids.js';
import { parseJsonObject, stableJson } from '../store/json.js';
import { evaluateContinue, findRun } from './loop-policy.js';
import { findSessionById, type SessionRow } from '../sessions/sessions.js';
import { appendTelemetry } from '../telemetry/telemetry.js';
import { tmuxPushRunner, type PushRunner } from '../tmux/push.js';

export type { PushRunner } from '../tmux/push.js';

export const SIGNAL_TYPES = [...DISPATCH_COMMAND_TYPES, 'worker_task_complete'] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];


export interface DispatchOptions {
  dispatcherId?: string;
  type?: SignalType;
  limit?: number;
  leaseSeconds?: number;
  dryRun?: boolean;
  push?: PushRunner;
}

export type DispatchItem = Record<string, unknown>;

export interface DispatchResult {
  dispatcher_id: string;
  dry_run: boolean;
  iterations: number;
  processed: DispatchItem[];
  processed_count: number;
  watch: boolean;
}

interface Settings {
  dispatcherId: string;
  types: string[];
  includeCompletions: boolean;
  limit: number;
  leaseSeconds: number;
  dryRun: boolean;
  push: PushRunner;
}

function settingsOf(options: DispatchOptions): Settings {
  const type = options.type;
  return {
    dispatcherId: options.dispatcherId ?? DEFAULT_DISPATCHER_ID,
    types: type === undefined ? [...DISPATCH_COMMAND_TYPES] : type === 'worker_task_complete' ? [] : [type],
    includeCompletions: type === undefined || type === 'worker_task_complete',
    limit: Math.max(1, Math.floor(options.limit ?? 10)),
    leaseSeconds: Math.max(1, Math.floor(options.leaseSeconds ?? 60)),
    dryRun: options.dryRun ?? false,
    push: options.push ?? tmuxPushRunner(),
  };
}

/** One dispatch pass: stale recovery, queued commands, then worker completions; at most `limit` items. */
export function dispatchOnce(db: Db, options: DispatchOptions, now: Date): DispatchResult {
  const settings = settingsOf(options);
  const processed = runPass(db, settings, now);
  return { dispatcher_id: settings.dispatcherId, dry_run: settings.dryRun, iterations: 1, processed, processed_count: processed.length, watch: false };
}

function runPass(db: Db, s: Settings, now: Date): DispatchItem[] {
  const items: DispatchItem[] = [];
  if (s.types.length > 0) {
    if (s.dryRun) {
      for (const c of claimableCommands(db, s.types, now, s.limit)) {
        items.push({ command_id: c.id, command_type: c.type, correlation_id: c.correlation_id, dry_run: true, state: 'planned', task: c.task_id });
      }
    } else {
      for (const recovered of recoverStaleClaims(db, s.types, s.dispatcherId, now)) items.push({ ...recovered });
      while (items.length < s.limit) {
        const claim = claimNextCommand(db, { types: s.types, dispatcherId: s.dispatcherId, leaseSeconds: s.leaseSeconds }, now);
        if (!claim) break;
        items.push(executeCommand(db, claim, s, now));
      }
    }
  }
  if (s.includeCompletions && items.length < s.limit) items.push(...routeCompletions(db, s, now, s.limit - items.length));
  return items;
}

// ---------------------------------------------------------------------------------------------- commands

interface Route {
  live: LiveBinding;
  source: SessionRow;
  target: SessionRow;
}

function routeFor(db: Db, claim: Claim): Route {
  const taskId = claim.command.task_id;
  const live = taskId ? activeBindingForTask(db, taskId) : undefined;
  if (!live) throw new NotFoundError('binding', taskId ?? '(none)', `no active session-based binding for task ${taskId ?? '(none)'}`);
  const toManager = claim.command.type === 'notify_manager';
  return { live, source: toManager ? live.worker : live.manager, target: toManager ? live.manager : live.worker };
}

function deliveryModeOf(session: SessionRow): 'push' | 'pull_required' {
  return session.tmux_session ? 'push' : 'pull_required';
}

function executeCommand(db: Db, claim: Claim, s: Settings, now: Date): DispatchItem {
  const at = isoSeconds(now);
  const { command } = claim;
  const base = { attempt_id: claim.attemptId, command_id: command.id, command_type: command.type, correlation_id: command.correlation_id, dispatcher_id: s.dispatcherId };
  let pushPending: { item: DispatchItem; notificationId: number; route: Route; message: string } | undefined;
  try {
    const item = db.transaction((): DispatchItem | undefined => {
      const route = routeFor(db, claim);
      const payload = parseJsonObject(command.payload_json);
      const message = typeof payload.message === 'string' && payload.message.trim() ? payload.message : typeof payload.text === 'string' ? payload.text : '';
      if (!message.trim()) throw new Error(`command ${command.id} has no message`);
      const deliveryMode = deliveryModeOf(route.target);
      let permission: PermissionCheck | null = null;
      if (command.required_permission) {
        permission = checkPermission(db, route.live.binding.task_id, command.required_permission);
        appendTelemetry(db, {
          taskId: command.task_id,
          timestamp: at,
          actor: 'dispatch',
          eventType: 'dispatch_command_permission_checked',
          severity: permission.allowed ? 'info' : 'warning',
          summary: `Checked manager permission ${command.required_permission} for ${command.type}.`,
          correlation: { command_id: command.id, command_type: command.type, correlation_id: command.correlation_id, required_permission: command.required_permission },
          attributes: { ...permission },
        });
        if (!permission.allowed) {
          const error = permission.configured
            ? `manager permission ${command.required_permission} is not granted for this task`
            : `missing manager permission ${command.required_permission}: the task has no manager config`;
          const failed = { ...base, delivery_mode: deliveryMode, dry_run: false, error, notification_id: null, permission_check: permission, side_effect_completed: false, side_effect_started: false, state: 'failed', target_session: route.target.name };
          finishAttempt(db, claim, { state: 'failed', result: failed, error, dispatcherId: s.dispatcherId }, at);
          return failed;
        }
      }
      const extraPayload: Record<string, unknown> = {};
      const loopFields: Record<string, unknown> = {};
      if (command.type === 'continue_iteration') {
        const ralph = (payload.ralph_loop ?? {}) as Record<string, unknown>;
        const run = typeof ralph.run_id === 'string' ? findRun(db, ralph.run_id) : undefined;
        if (!run) throw new Error(`continue_iteration ${command.id} names no known loop run`);
        const requested = Number(ralph.requested_iteration);
        const decision = evaluateContinue(db, run, requested);
        Object.assign(loopFields, {
          cleanup_policy: decision.policy.cleanup_policy,
          current_iteration: decision.policy.current_iteration,
          loop_policy: decision.policy,
          max_iterations: decision.policy.max_iterations,
          missing_evidence: decision.missing_evidence,
          reason: decision.reason,
          requested_iteration: requested,
          required_before_continue: decision.policy.required_before_continue,
          run_id: run.id,
          seed_prompt_sha256: decision.policy.seed_prompt_sha256,
          stop_conditions: decision.policy.stop_conditions,
        });
        if (!decision.allowed) {
          // 0.1.12's blocked item has no permission_check but says plainly that nothing reached the worker.
          const decisionRef = (payload.manager_decision ?? {}) as Record<string, unknown>;
          const blocked = {
            ...base,
            ...loopFields,
            delivered: false,
            delivery_mode: deliveryMode,
            dry_run: false,
            manager_decision_id: typeof decisionRef.decision_id === 'number' ? decisionRef.decision_id : null,
            notification_id: null,
            side_effect_completed: false,
            side_effect_started: false,
            state: 'blocked',
            target_session: route.target.name,
            target_worker_notified: false,
          };
          finishAttempt(db, claim, { state: 'blocked', result: blocked, error: `loop policy refused: ${decision.reason}`, dispatcherId: s.dispatcherId }, at);
          return blocked;
        }
        extraPayload.loop_policy = decision.policy;
        extraPayload.ralph_loop = { ...decision.policy, requested_iteration: requested };
      }
      const notificationPayload = {
        ...extraPayload,
        command_id: command.id,
        command_type: command.type,
        delivery_mode: deliveryMode,
        dispatcher_id: s.dispatcherId,
        message,
        permission_check: permission,
        source_session: route.source.name,
        target_session: route.target.name,
        task_id: route.live.binding.task_id,
      };
      const notificationId = Number(
        db
          .prepare(
            `insert into routed_notifications(task_id, binding_id, correlation_id, source_session_id, target_session_id, signal_type, dedupe_key,
               command_id, created_at, delivery_mode, state, payload_json) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
          )
          .run(
            route.live.binding.task_id,
            route.live.binding.id,
            command.correlation_id,
            route.source.id,
            route.target.id,
            command.type,
            `${route.live.binding.id}:${command.type}:${command.id}`,
            command.id,
            at,
            deliveryMode,
            stableJson(notificationPayload),
          ).lastInsertRowid,
      );
      appendTelemetry(db, {
        taskId: command.task_id,
        timestamp: at,
        actor: 'dispatch',
        eventType: 'dispatch_command_attempted',
        summary: `Dispatcher is delivering ${command.type} to ${route.target.name}.`,
        correlation: { ...base, routed_notification_id: notificationId },
        attributes: { delivery_mode: deliveryMode, permission_check: permission, source_session: route.source.name, target_session: route.target.name },
      });
      const item = { ...base, ...loopFields, delivery_mode: deliveryMode, dry_run: false, notification_id: notificationId, permission_check: permission, side_effect_completed: false, side_effect_started: false, target_session: route.target.name };
      if (deliveryMode === 'push') {
        pushPending = { item, notificationId, route, message };
        return undefined;
      }
      db.prepare(`update routed_notifications set state = 'delivered', delivered_at = ? where id = ?`).run(at, notificationId);
      appendTelemetry(db, {
        taskId: command.task_id,
        timestamp: at,
        actor: 'dispatch',
        eventType: 'dispatch_signal_pull_required',
        summary: `${command.type} for ${route.target.name} waits in its inbox (pull).`,
        correlation: { ...base, binding_id: route.live.binding.id, routed_notification_id: notificationId, signal_type: command.type },
        attributes: { delivery_mode: deliveryMode, target_session: route.target.name },
      });
      const done = { ...item, state: 'pull_required' };
      finishAttempt(db, claim, { state: 'succeeded', result: done, dispatcherId: s.dispatcherId }, at);
      return done;
    }).immediate();
    if (item) return item;
  } catch (error) {
    return failCommand(db, claim, s, at, error);
  }
  const pending = pushPending as NonNullable<typeof pushPending>;
  return pushCommand(db, claim, s, at, pending);
}

function pushCommand(db: Db, claim: Claim, s: Settings, at: string, p: { item: DispatchItem; notificationId: number; route: Route; message: string }): DispatchItem {
  const { command } = claim;
  const correlation = { attempt_id: claim.attemptId, command_id: command.id, command_type: command.type, correlation_id: command.correlation_id, dispatcher_id: s.dispatcherId, routed_notification_id: p.notificationId, signal_type: command.type };
  db.prepare('update routed_notifications set side_effect_started = 1 where id = ?').run(p.notificationId);
  db.prepare(`update command_attempts set side_effect_started = 1 where id = ?`).run(claim.attemptId);
  const sent = s.push(p.route.target, p.message, at);
  return db.transaction((): DispatchItem => {
    if (sent.ok) {
      db.prepare(`update routed_notifications set state = 'delivered', delivered_at = ?, side_effect_completed = 1 where id = ?`).run(at, p.notificationId);
      appendTelemetry(db, { taskId: command.task_id, timestamp: at, actor: 'dispatch', eventType: 'dispatch_signal_routed', summary: `Pushed ${command.type} to ${p.route.target.name}.`, correlation, attributes: { target: p.route.target.tmux_session, target_session: p.route.target.name } });
      const done = { ...p.item, send_result: sent.result, side_effect_completed: true, side_effect_started: true, state: 'delivered' };
      finishAttempt(db, claim, { state: 'succeeded', result: done, sideEffectStarted: true, sideEffectCompleted: true, dispatcherId: s.dispatcherId }, at);
      return done;
    }
    if (sent.started) db.prepare(`update routed_notifications set state = 'failed', error = ? where id = ?`).run(sent.error, p.notificationId);
    else {
      db.prepare(`update routed_notifications set state = 'pending', error = ?, claimed_by = null, claimed_at = null, claim_expires_at = null, side_effect_started = 0, side_effect_completed = 0 where id = ?`).run(sent.error, p.notificationId);
    }
    appendTelemetry(db, { taskId: command.task_id, timestamp: at, actor: 'dispatch', eventType: 'dispatch_signal_failed', severity: 'error', summary: `Pushing ${command.type} to ${p.route.target.name} failed.`, correlation, attributes: { error: sent.error, error_type: 'PushDeliveryError', target_session: p.route.target.name } });
    const failed = { ...p.item, error: sent.error, side_effect_started: sent.started, state: 'failed' };
    finishAttempt(db, claim, { state: 'failed', result: failed, error: sent.error, sideEffectStarted: sent.started, dispatcherId: s.dispatcherId }, at);
    return failed;
  }).immediate();
}

function failCommand(db: Db, claim: Claim, s: Settings, at: string, error: unknown): DispatchItem {
  const message = error instanceof Error ? error.message : String(error);
  const item = {
    attempt_id: claim.attemptId,
    command_id: claim.command.id,
    command_type: claim.command.type,
    correlation_id: claim.command.correlation_id,
    dispatcher_id: s.dispatcherId,
    error: message,
    error_type: error instanceof Error ? error.name : 'Error',
    notification_id: null,
    required_permission: claim.command.required_permission,
    side_effect_completed: false,
    side_effect_started: false,
    state: 'failed',
  };
  db.transaction(() => finishAttempt(db, claim, { state: 'failed', result: item, error: message, dispatcherId: s.dispatcherId }, at)).immediate();
  return item;
}

// ---------------------------------------------------------------------------------------------- worker completions

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
  'id' | 'task_id' | 'binding_id' | 'correlation_id' | 'source_session_id' | 'target_session_id' | 'source_event_id' | 'claimed_by' | 'claim_expires_at' | 'side_effect_started' | 'payload_json'
>;

function routeCompletions(db: Db, s: Settings, now: Date, budget: number): DispatchItem[] {
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
      items.push({ binding_id: c.binding_id, correlation_id: correlationId, dedupe_key: dedupeKey, dry_run: true, signal_type: 'worker_task_complete', source_event_id: c.event_id, state: 'planned', target_session: manager.name, task: c.task_name });
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
    const correlation = { binding_id: c.binding_id, correlation_id: correlationId, dispatcher_id: s.dispatcherId, signal_type: 'worker_task_complete', source_event_id: c.event_id };
    const item = db.transaction((): DispatchItem => {
      const inserted = db
        .prepare(
          `insert or ignore into routed_notifications(task_id, binding_id, correlation_id, source_session_id, target_session_id, signal_type, source_event_id,
             source_event_timestamp, dedupe_key, created_at, delivery_mode, state, claimed_by, claimed_at, claim_expires_at, payload_json)
           values (?, ?, ?, ?, ?, 'worker_task_complete', ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
        )
        .run(c.task_id, c.binding_id, correlationId, worker.id, manager.id, c.event_id, c.event_timestamp, dedupeKey, at, deliveryMode, s.dispatcherId, at, expires, stableJson(payload));
      const base = { binding_id: c.binding_id, correlation_id: correlationId, dedupe_key: dedupeKey, delivery_mode: deliveryMode, dry_run: false, signal_type: 'worker_task_complete', source_event_id: c.event_id, target_session: manager.name, task: c.task_name };
      if (inserted.changes === 0) {
        appendTelemetry(db, { taskId: c.task_id, timestamp: at, actor: 'dispatch', eventType: 'dispatch_signal_suppressed', severity: 'warning', summary: `Worker completion for ${c.task_name} was already routed.`, correlation, attributes: { dedupe_key: dedupeKey, error: 'dedupe key already routed', source_session: worker.name, target_session: manager.name } });
        return { ...base, notification_id: null, state: 'suppressed' };
      }
      const notificationId = Number(inserted.lastInsertRowid);
      appendTelemetry(db, { taskId: c.task_id, timestamp: at, actor: 'dispatch', eventType: 'dispatch_signal_detected', summary: `Dispatcher found a worker completion on ${c.task_name}.`, correlation, attributes: { delivery_mode: deliveryMode, source_session: worker.name, target_session: manager.name } });
      return { ...base, notification_id: notificationId };
    }).immediate();
    if (item.state === 'suppressed') {
      items.push(item);
      continue;
    }
    items.push(deliverCompletion(db, s, at, item, { ...correlation, routed_notification_id: item.notification_id }, manager, payload.message, false));
  }
  return items;
}

function deliverCompletion(db: Db, s: Settings, at: string, item: DispatchItem, correlation: Record<string, unknown>, manager: SessionRow, message: string, recovered: boolean): DispatchItem {
  const id = item.notification_id as number;
  const taskId = db.prepare<[number], { task_id: string }>('select task_id from routed_notifications where id = ?').get(id)?.task_id ?? null;
  const extra = recovered ? { recovered: true } : {};
  if (!manager.tmux_session) {
    return db.transaction((): DispatchItem => {
      db.prepare(`update routed_notifications set state = 'delivered', delivered_at = ?, error = null where id = ?`).run(at, id);
      appendTelemetry(db, { taskId, timestamp: at, actor: 'dispatch', eventType: 'dispatch_signal_pull_required', summary: `Worker completion waits in ${manager.name}'s inbox (pull).`, correlation, attributes: { delivery_mode: 'pull_required', target_session: manager.name, ...extra } });
      return { ...item, ...extra, state: 'pull_required' };
    }).immediate();
  }
  db.prepare('update routed_notifications set side_effect_started = 1 where id = ?').run(id);
  const sent = s.push(manager, message, at);
  return db.transaction((): DispatchItem => {
    if (sent.ok) {
      db.prepare(`update routed_notifications set state = 'delivered', delivered_at = ?, side_effect_completed = 1, error = null where id = ?`).run(at, id);
      appendTelemetry(db, { taskId, timestamp: at, actor: 'dispatch', eventType: 'dispatch_signal_routed', summary: `Pushed a worker completion to ${manager.name}.`, correlation, attributes: { target: manager.tmux_session, target_session: manager.name, ...extra } });
      return { ...item, ...extra, state: 'delivered' };
    }
    if (sent.started) db.prepare(`update routed_notifications set state = 'failed', error = ? where id = ?`).run(sent.error, id);
    else db.prepare(`update routed_notifications set error = ?, claimed_by = null, claimed_at = null, claim_expires_at = null, side_effect_started = 0 where id = ?`).run(sent.error, id);
    appendTelemetry(db, { taskId, timestamp: at, actor: 'dispatch', eventType: 'dispatch_signal_failed', severity: 'error', summary: `Pushing a worker completion to ${manager.name} failed.`, correlation, attributes: { error: sent.error, error_type: 'PushDeliveryError', target_session: manager.name, ...extra } });
    return { ...item, ...extra, error: sent.error, state: 'failed' };
  }).immediate();
}

/** Completion rows left pending by an earlier pass: fail the risky ones, re-claim and deliver the rest. */
function recoverCompletions(db: Db, s: Settings, now: Date, at: string, expires: string, budget: number): DispatchItem[] {
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
    const correlation = { binding_id: row.binding_id, correlation_id: row.correlation_id, dispatcher_id: s.dispatcherId, routed_notification_id: row.id, signal_type: 'worker_task_complete', source_event_id: row.source_event_id };
    if (row.side_effect_started === 1) {
      const error = 'completion delivery started but never finished before its claim expired; check the manager session by hand';
      db.transaction(() => {
        db.prepare(`update routed_notifications set state = 'failed', error = ? where id = ?`).run(error, row.id);
        appendTelemetry(db, { taskId: row.task_id, timestamp: at, actor: 'dispatch', eventType: 'dispatch_signal_failed', severity: 'error', summary: 'A stale worker-completion delivery was failed.', correlation, attributes: { claim_expires_at: row.claim_expires_at, claimed_by: row.claimed_by, error, side_effect_risk: true } });
      }).immediate();
      items.push({ binding_id: row.binding_id, claim_expires_at: row.claim_expires_at, claimed_by: row.claimed_by, correlation_id: row.correlation_id, error, notification_id: row.id, signal_type: 'worker_task_complete', source_event_id: row.source_event_id, state: 'failed', task_id: row.task_id });
      continue;
    }
    const manager = findSessionById(db, row.target_session_id) as SessionRow;
    const payload = parseJsonObject(row.payload_json);
    db.transaction(() => {
      db.prepare(`update routed_notifications set claimed_by = ?, claimed_at = ?, claim_expires_at = ? where id = ?`).run(s.dispatcherId, at, expires, row.id);
      appendTelemetry(db, { taskId: row.task_id, timestamp: at, actor: 'dispatch', eventType: 'dispatch_signal_recovered', summary: `Dispatcher re-claimed a pending worker completion for ${manager.name}.`, correlation, attributes: { delivery_mode: deliveryModeOf(manager), target_session: manager.name } });
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

// ---------------------------------------------------------------------------------------------- watch

/** Writes the dispatcher lease the app-* commands read: actor dispatch, task_id NULL, seconds timestamp. */
export function writeWatchHeartbeat(db: Db, input: { dispatcherId: string; iteration: number; dryRun: boolean; processedCount: number }, now: Date): { id: string } {
  return appendTelemetry(db, {
    taskId: null,
    timestamp: isoSeconds(now),
    actor: 'dispatch',
    eventType: 'dispatch_watch_heartbeat',
    summary: `Dispatcher ${input.dispatcherId} finished watch pass ${input.iteration}.`,
    correlation: { dispatcher_id: input.dispatcherId, iteration: input.iteration },
    attributes: { dry_run: input.dryRun, processed_count: input.processedCount },
  });
}

export interface WatchOptions extends DispatchOptions {
  /** Stop after this many passes (at least one pass always runs); undefined runs until aborted. */
  watchIterations?: number;
  intervalSeconds?: number;
  signal?: AbortSignal;
  /** Waits between passes; injectable so tests never sleep. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `dispatch --watch`: passes with a heartbeat after each, sleeping `intervalSeconds` between them. */
export async function dispatchWatch(db: Db, options: WatchOptions, clock: Clock): Promise<DispatchResult> {
  const settings = settingsOf(options);
  const sleep = options.sleep ?? abortableSleep;
  const intervalMs = Math.max(0, (options.intervalSeconds ?? 2) * 1000);
  const processed: DispatchItem[] = [];
  let iteration = 0;
  for (;;) {
    iteration++;
    const items = runPass(db, settings, clock());
    processed.push(...items);
    writeWatchHeartbeat(db, { dispatcherId: settings.dispatcherId, iteration, dryRun: settings.dryRun, processedCount: items.length }, clock());
    if (options.watchIterations !== undefined && iteration >= options.watchIterations) break;
    if (options.signal?.aborted) break;
    await sleep(intervalMs, options.signal);
    if (options.signal?.aborted) break;
  }
  return { dispatcher_id: settings.dispatcherId, dry_run: settings.dryRun, iterations: iteration, processed, processed_count: processed.length, watch: true };
}
