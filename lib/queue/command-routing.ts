// Routes one claimed command to its target session: the manager for notify_manager, the worker otherwise. A
// guarded command checks the manager's permission first, continue_iteration asks the loop policy, and the
// message lands in the target's inbox (pull) or is pushed into its tmux pane after the routing row commits.
import { isoSeconds } from '../clock.js';
import { activeBindingForTask, type LiveBinding } from '../tasks/bindings.js';
import { finishAttempt, type Claim } from './commands.js';
import { checkPermission, type PermissionCheck } from '../manager/permissions.js';
import type { DispatchItem, DispatchSettings } from './dispatch-options.js';
import type { Db } from '../store/open.js';
import { NotFoundError } from '../errors.js';
import { parseJsonObject, stableJson } from '../store/json.js';
import { evaluateContinue, findRun } from './loop-policy.js';
import type { SessionRow } from '../sessions/sessions.js';
import { appendTelemetry } from '../telemetry/telemetry.js';

interface Route {
  live: LiveBinding;
  source: SessionRow;
  target: SessionRow;
}

function routeFor(db: Db, claim: Claim): Route {
  const taskId = claim.command.task_id;
  const live = taskId ? activeBindingForTask(db, taskId) : undefined;
  if (!live)
    throw new NotFoundError(
      'binding',
      taskId ?? '(none)',
      `no active session-based binding for task ${taskId ?? '(none)'}`,
    );
  const toManager = claim.command.type === 'notify_manager';
  return { live, source: toManager ? live.worker : live.manager, target: toManager ? live.manager : live.worker };
}

/** A session with a tmux pane is pushed to; one without reads its inbox. */
export function deliveryModeOf(session: SessionRow): 'push' | 'pull_required' {
  return session.tmux_session ? 'push' : 'pull_required';
}

/** Routes one claimed command; every failure finishes its attempt instead of throwing. */
export function routeCommand(db: Db, claim: Claim, s: DispatchSettings, now: Date): DispatchItem {
  const at = isoSeconds(now);
  const { command } = claim;
  const base = {
    attempt_id: claim.attemptId,
    command_id: command.id,
    command_type: command.type,
    correlation_id: command.correlation_id,
    dispatcher_id: s.dispatcherId,
  };
  let pushPending: { item: DispatchItem; notificationId: number; route: Route; message: string } | undefined;
  try {
    const item = db
      .transaction((): DispatchItem | undefined => {
        const route = routeFor(db, claim);
        const payload = parseJsonObject(command.payload_json);
        const message =
          typeof payload.message === 'string' && payload.message.trim()
            ? payload.message
            : typeof payload.text === 'string'
              ? payload.text
              : '';
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
            correlation: {
              command_id: command.id,
              command_type: command.type,
              correlation_id: command.correlation_id,
              required_permission: command.required_permission,
            },
            attributes: { ...permission },
          });
          if (!permission.allowed) {
            const error = permission.configured
              ? `manager permission ${command.required_permission} is not granted for this task`
              : `missing manager permission ${command.required_permission}: the task has no manager config`;
            const failed = {
              ...base,
              delivery_mode: deliveryMode,
              dry_run: false,
              error,
              notification_id: null,
              permission_check: permission,
              side_effect_completed: false,
              side_effect_started: false,
              state: 'failed',
              target_session: route.target.name,
            };
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
            finishAttempt(
              db,
              claim,
              {
                state: 'blocked',
                result: blocked,
                error: `loop policy refused: ${decision.reason}`,
                dispatcherId: s.dispatcherId,
              },
              at,
            );
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
          attributes: {
            delivery_mode: deliveryMode,
            permission_check: permission,
            source_session: route.source.name,
            target_session: route.target.name,
          },
        });
        const item = {
          ...base,
          ...loopFields,
          delivery_mode: deliveryMode,
          dry_run: false,
          notification_id: notificationId,
          permission_check: permission,
          side_effect_completed: false,
          side_effect_started: false,
          target_session: route.target.name,
        };
        if (deliveryMode === 'push') {
          pushPending = { item, notificationId, route, message };
          return undefined;
        }
        db.prepare(`update routed_notifications set state = 'delivered', delivered_at = ? where id = ?`).run(
          at,
          notificationId,
        );
        appendTelemetry(db, {
          taskId: command.task_id,
          timestamp: at,
          actor: 'dispatch',
          eventType: 'dispatch_signal_pull_required',
          summary: `${command.type} for ${route.target.name} waits in its inbox (pull).`,
          correlation: {
            ...base,
            binding_id: route.live.binding.id,
            routed_notification_id: notificationId,
            signal_type: command.type,
          },
          attributes: { delivery_mode: deliveryMode, target_session: route.target.name },
        });
        const done = { ...item, state: 'pull_required' };
        finishAttempt(db, claim, { state: 'succeeded', result: done, dispatcherId: s.dispatcherId }, at);
        return done;
      })
      .immediate();
    if (item) return item;
  } catch (error) {
    return failCommand(db, claim, s, at, error);
  }
  const pending = pushPending as NonNullable<typeof pushPending>;
  return pushCommand(db, claim, s, at, pending);
}

function pushCommand(
  db: Db,
  claim: Claim,
  s: DispatchSettings,
  at: string,
  p: { item: DispatchItem; notificationId: number; route: Route; message: string },
): DispatchItem {
  const { command } = claim;
  const correlation = {
    attempt_id: claim.attemptId,
    command_id: command.id,
    command_type: command.type,
    correlation_id: command.correlation_id,
    dispatcher_id: s.dispatcherId,
    routed_notification_id: p.notificationId,
    signal_type: command.type,
  };
  db.prepare('update routed_notifications set side_effect_started = 1 where id = ?').run(p.notificationId);
  db.prepare(`update command_attempts set side_effect_started = 1 where id = ?`).run(claim.attemptId);
  const sent = s.push(p.route.target, p.message, at);
  return db
    .transaction((): DispatchItem => {
      if (sent.ok) {
        db.prepare(
          `update routed_notifications set state = 'delivered', delivered_at = ?, side_effect_completed = 1 where id = ?`,
        ).run(at, p.notificationId);
        appendTelemetry(db, {
          taskId: command.task_id,
          timestamp: at,
          actor: 'dispatch',
          eventType: 'dispatch_signal_routed',
          summary: `Pushed ${command.type} to ${p.route.target.name}.`,
          correlation,
          attributes: { target: p.route.target.tmux_session, target_session: p.route.target.name },
        });
        const done = {
          ...p.item,
          send_result: sent.result,
          side_effect_completed: true,
          side_effect_started: true,
          state: 'delivered',
        };
        finishAttempt(
          db,
          claim,
          {
            state: 'succeeded',
            result: done,
            sideEffectStarted: true,
            sideEffectCompleted: true,
            dispatcherId: s.dispatcherId,
          },
          at,
        );
        return done;
      }
      if (sent.started)
        db.prepare(`update routed_notifications set state = 'failed', error = ? where id = ?`).run(
          sent.error,
          p.notificationId,
        );
      else {
        db.prepare(
          `update routed_notifications set state = 'pending', error = ?, claimed_by = null, claimed_at = null, claim_expires_at = null, side_effect_started = 0, side_effect_completed = 0 where id = ?`,
        ).run(sent.error, p.notificationId);
      }
      appendTelemetry(db, {
        taskId: command.task_id,
        timestamp: at,
        actor: 'dispatch',
        eventType: 'dispatch_signal_failed',
        severity: 'error',
        summary: `Pushing ${command.type} to ${p.route.target.name} failed.`,
        correlation,
        attributes: { error: sent.error, error_type: 'PushDeliveryError', target_session: p.route.target.name },
      });
      const failed = {
        ...p.item,
        error: sent.error,
        side_effect_started: sent.started,
        state: 'failed',
      };
      finishAttempt(
        db,
        claim,
        {
          state: 'failed',
          result: failed,
          error: sent.error,
          sideEffectStarted: sent.started,
          dispatcherId: s.dispatcherId,
        },
        at,
      );
      return failed;
    })
    .immediate();
}

function failCommand(db: Db, claim: Claim, s: DispatchSettings, at: string, error: unknown): DispatchItem {
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
  db.transaction(() =>
    finishAttempt(db, claim, { state: 'failed', result: item, error: message, dispatcherId: s.dispatcherId }, at),
  ).immediate();
  return item;
}
