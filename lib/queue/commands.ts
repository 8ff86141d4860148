// The durable command queue: enqueue, list, claim, finish, stale-claim recovery, and the "immediate"
// commands (finish_task, deregister_session, ...) that the CLI runs inline. Every write here is one
// transaction together with its telemetry rows.
import { isoMillis, isoSeconds } from '../clock.js';
import type { Db } from '../store/open.js';
import { ConflictError } from '../errors.js';
import { newId } from '../store/ids.js';
import { parseJsonObject, stableJson } from '../store/json.js';
import { appendTelemetry, type Severity } from '../telemetry/telemetry.js';

export const DISPATCH_COMMAND_TYPES = ['notify_manager', 'nudge_worker', 'continue_iteration'] as const;
export type DispatchCommandType = (typeof DISPATCH_COMMAND_TYPES)[number];
export const COMMAND_STATES = ['pending', 'attempted', 'succeeded', 'failed', 'blocked'] as const;
export type CommandState = (typeof COMMAND_STATES)[number];

export interface CommandRow {
  id: string;
  idempotency_key: string;
  created_at: string;
  updated_at: string;
  task_id: string | null;
  worker_id: string | null;
  manager_id: string | null;
  correlation_id: string | null;
  type: string;
  state: CommandState;
  available_at: string | null;
  claimed_by: string | null;
  claimed_at: string | null;
  claim_expires_at: string | null;
  attempts: number;
  max_attempts: number;
  required_permission: string | null;
  payload_json: string;
  result_json: string | null;
  error: string | null;
}

export interface AttemptRow {
  id: number;
  command_id: string;
  correlation_id: string;
  dispatcher_id: string;
  started_at: string;
  finished_at: string | null;
  state: 'running' | 'succeeded' | 'failed' | 'abandoned' | 'blocked';
  result_json: string | null;
  error: string | null;
  side_effect_started: number;
  side_effect_completed: number;
}

const COMMAND_COLUMNS =
  'id, idempotency_key, created_at, updated_at, task_id, worker_id, manager_id, correlation_id, type, state, available_at, claimed_by, claimed_at, claim_expires_at, attempts, max_attempts, required_permission, payload_json, result_json, error';
const ATTEMPT_COLUMNS =
  'id, command_id, correlation_id, dispatcher_id, started_at, finished_at, state, result_json, error, side_effect_started, side_effect_completed';

// ---------------------------------------------------------------------------------------------- create

export interface NewCommand {
  taskId: string | null;
  type: string;
  payload: Record<string, unknown>;
  correlationId?: string | null;
  idempotencyKey?: string | null;
  requiredPermission?: string | null;
}

/**
 * 0.1.12 refused a repeated idempotency key with SQLite's raw UNIQUE error (exit 2) and never replayed the first
 * command; we keep the refusal and say which command holds the key.
 */
function refuseRepeatedKey(db: Db, key: string): void {
  const holder = db
    .prepare<[string], { id: string; type: string; state: string; task_name: string | null }>(
      'select c.id, c.type, c.state, t.name as task_name from commands c left join tasks t on t.id = c.task_id where c.idempotency_key = ?',
    )
    .get(key);
  if (!holder) return;
  const task = holder.task_name === null ? '' : ` for task ${holder.task_name}`;
  throw new ConflictError(
    `idempotency key ${JSON.stringify(key)} is already used by command ${holder.id} (${holder.type}${task}, ${holder.state}); ` +
      'a repeated key is refused and nothing was queued: use a new key, or see that command with `conveyor commands --json`',
  );
}

function insertCommand(db: Db, input: NewCommand, at: string): CommandRow {
  if (input.idempotencyKey) refuseRepeatedKey(db, input.idempotencyKey);
  const id = newId('command');
  const row: CommandRow = {
    id,
    idempotency_key: input.idempotencyKey ?? id,
    created_at: at,
    updated_at: at,
    task_id: input.taskId,
    worker_id: null,
    manager_id: null,
    correlation_id: input.correlationId ?? newId('dispatch'),
    type: input.type,
    state: 'pending',
    available_at: null,
    claimed_by: null,
    claimed_at: null,
    claim_expires_at: null,
    attempts: 0,
    max_attempts: 1,
    required_permission: input.requiredPermission ?? null,
    payload_json: stableJson(input.payload),
    result_json: null,
    error: null,
  };
  db.prepare(
    `insert into commands(${COMMAND_COLUMNS}) values (@id, @idempotency_key, @created_at, @updated_at, @task_id, @worker_id, @manager_id,
       @correlation_id, @type, @state, @available_at, @claimed_by, @claimed_at, @claim_expires_at, @attempts, @max_attempts,
       @required_permission, @payload_json, @result_json, @error)`,
  ).run(row);
  appendTelemetry(db, {
    taskId: row.task_id,
    timestamp: at,
    actor: 'workerctl',
    eventType: 'command_created',
    summary: `Queued command ${row.type}.`,
    correlation: { command_id: row.id, command_type: row.type, correlation_id: row.correlation_id },
    attributes: {
      idempotency_key: row.idempotency_key,
      manager_id: null,
      required_permission: row.required_permission,
      state: 'pending',
      worker_id: null,
    },
  });
  return row;
}

/** Inserts a pending command (milliseconds timestamps, as 0.1.12's enqueue) and its command_created telemetry. */
export function enqueueCommand(db: Db, input: NewCommand, now: Date): CommandRow {
  const write = () => insertCommand(db, input, isoMillis(now));
  return db.inTransaction ? write() : db.transaction(write).immediate();
}

// ---------------------------------------------------------------------------------------------- immediate commands

/** An immediate command (run inline, never claimed): created and marked attempted. Call inside a transaction. */
export function startImmediateCommand(db: Db, input: NewCommand, at: string): CommandRow {
  const row = insertCommand(db, input, at);
  markImmediateAttempted(db, row, at);
  return { ...row, state: 'attempted' };
}

function markImmediateAttempted(db: Db, row: Pick<CommandRow, 'id' | 'type' | 'task_id'>, at: string): void {
  db.prepare(`update commands set state = 'attempted', updated_at = ? where id = ?`).run(at, row.id);
  appendTelemetry(db, {
    taskId: row.task_id,
    timestamp: at,
    actor: 'workerctl',
    eventType: 'command_attempted',
    summary: `Running command ${row.type}.`,
    correlation: { command_id: row.id, command_type: row.type },
    attributes: { manager_id: null, state: 'attempted', worker_id: null },
  });
}

/** Finishes an immediate command as succeeded or failed, with its result object and telemetry. */
export function finishImmediateCommand(
  db: Db,
  row: Pick<CommandRow, 'id' | 'type' | 'task_id'>,
  outcome: { state: 'succeeded' | 'failed'; result: Record<string, unknown>; error?: string | null },
  at: string,
): void {
  const error = outcome.error ?? null;
  db.prepare('update commands set state = ?, result_json = ?, error = ?, updated_at = ? where id = ?').run(
    outcome.state,
    stableJson(outcome.result),
    error,
    at,
    row.id,
  );
  appendTelemetry(db, {
    taskId: row.task_id,
    timestamp: at,
    actor: 'workerctl',
    eventType: outcome.state === 'succeeded' ? 'command_succeeded' : 'command_failed',
    severity: outcome.state === 'succeeded' ? 'info' : 'error',
    summary: `Command ${row.type} ${outcome.state}.`,
    correlation: { command_id: row.id, command_type: row.type },
    attributes: { error, manager_id: null, result: outcome.result, state: outcome.state, worker_id: null },
  });
}

// ---------------------------------------------------------------------------------------------- list

export interface CommandFilter {
  task?: string;
  type?: string;
  state?: CommandState;
  worker?: string;
  manager?: string;
  attempts?: boolean;
}

export type CommandView = ReturnType<typeof toCommandView>;
export type AttemptView = ReturnType<typeof toAttemptView>;

export function toCommandView(row: CommandRow & { task_name?: string | null }) {
  const { payload_json, result_json, ...rest } = row;
  return {
    ...rest,
    task_name: row.task_name ?? null,
    payload: parseJsonObject(payload_json),
    result: result_json === null ? null : parseJsonObject(result_json),
  };
}

function toAttemptView(row: AttemptRow) {
  const { result_json, side_effect_started, side_effect_completed, ...rest } = row;
  return {
    ...rest,
    result: result_json === null ? null : parseJsonObject(result_json),
    side_effect_started: side_effect_started === 1,
    side_effect_completed: side_effect_completed === 1,
  };
}

/** What `commands --json` prints: oldest first; --task matches a task id or name and never fails. */
export function listCommands(
  db: Db,
  filter: CommandFilter = {},
): Array<CommandView & { attempt_history?: AttemptView[] }> {
  const where: string[] = [];
  const params: Record<string, string> = {};
  if (filter.task !== undefined) {
    where.push('(c.task_id = @task or t.name = @task)');
    params.task = filter.task;
  }
  for (const key of ['type', 'state'] as const) {
    const value = filter[key];
    if (value !== undefined) {
      where.push(`c.${key} = @${key}`);
      params[key] = value;
    }
  }
  if (filter.worker !== undefined) {
    where.push('c.worker_id = @worker');
    params.worker = filter.worker;
  }
  if (filter.manager !== undefined) {
    where.push('c.manager_id = @manager');
    params.manager = filter.manager;
  }
  const columns = COMMAND_COLUMNS.split(', ')
    .map((c) => `c.${c}`)
    .join(', ');
  const rows = db
    .prepare<Record<string, string>, CommandRow & { task_name: string | null }>(
      `select ${columns}, t.name as task_name from commands c left join tasks t on t.id = c.task_id
        ${where.length ? `where ${where.join(' and ')}` : ''} order by c.created_at, c.id`,
    )
    .all(params);
  if (!filter.attempts) return rows.map(toCommandView);
  const attempts = db.prepare<[string], AttemptRow>(
    `select ${ATTEMPT_COLUMNS} from command_attempts where command_id = ? order by id`,
  );
  return rows.map((row) => ({ ...toCommandView(row), attempt_history: attempts.all(row.id).map(toAttemptView) }));
}

// ---------------------------------------------------------------------------------------------- claim / finish

export interface ClaimOptions {
  types: readonly string[];
  dispatcherId: string;
  leaseSeconds: number;
}

export interface Claim {
  command: CommandRow;
  attemptId: number;
}

/** The commands a pass could claim now, oldest first (dry-run planning). */
export function claimableCommands(db: Db, types: readonly string[], now: Date, limit: number): CommandRow[] {
  if (types.length === 0) return [];
  const marks = types.map(() => '?').join(', ');
  return db
    .prepare<unknown[], CommandRow>(
      `select ${COMMAND_COLUMNS} from commands where state = 'pending' and type in (${marks})
          and (available_at is null or available_at <= ?) and attempts < max_attempts order by created_at, id limit ?`,
    )
    .all(...types, isoSeconds(now), limit);
}

/** Claims the oldest eligible command with one guarded update and opens its running attempt. */
export function claimNextCommand(db: Db, options: ClaimOptions, now: Date): Claim | undefined {
  if (options.types.length === 0) return undefined;
  const claimedAt = isoMillis(now);
  const expiresAt = isoSeconds(new Date(now.getTime() + options.leaseSeconds * 1000));
  return db
    .transaction((): Claim | undefined => {
      const marks = options.types.map(() => '?').join(', ');
      const command = db
        .prepare<unknown[], CommandRow>(
          `update commands set state = 'attempted', claimed_by = ?, claimed_at = ?, claim_expires_at = ?, attempts = attempts + 1,
                updated_at = ?, correlation_id = coalesce(correlation_id, ?)
          where id = (select id from commands where state = 'pending' and type in (${marks})
                        and (available_at is null or available_at <= ?) and attempts < max_attempts order by created_at, id limit 1)
            and state = 'pending'
          returning ${COMMAND_COLUMNS}`,
        )
        .get(
          options.dispatcherId,
          claimedAt,
          expiresAt,
          claimedAt,
          newId('dispatch'),
          ...options.types,
          isoSeconds(now),
        );
      if (!command) return undefined;
      const attemptId = Number(
        db
          .prepare(
            `insert into command_attempts(command_id, correlation_id, dispatcher_id, started_at, state) values (?, ?, ?, ?, 'running')`,
          )
          .run(command.id, command.correlation_id, options.dispatcherId, claimedAt).lastInsertRowid,
      );
      appendTelemetry(db, {
        taskId: command.task_id,
        timestamp: claimedAt,
        actor: 'dispatch',
        eventType: 'dispatch_command_claimed',
        summary: `Dispatcher claimed command ${command.type}.`,
        correlation: {
          attempt_id: attemptId,
          command_id: command.id,
          command_type: command.type,
          correlation_id: command.correlation_id,
          dispatcher_id: options.dispatcherId,
        },
        attributes: {
          attempts: command.attempts,
          claim_expires_at: expiresAt,
          manager_id: command.manager_id,
          worker_id: command.worker_id,
        },
      });
      return { command, attemptId };
    })
    .immediate();
}

export type AttemptOutcome = 'succeeded' | 'failed' | 'blocked' | 'abandoned';

const OUTCOME_SEVERITY: Record<AttemptOutcome, Severity> = {
  succeeded: 'info',
  failed: 'error',
  blocked: 'warning',
  abandoned: 'warning',
};

/**
 * Finishes a running attempt and its command (abandoned maps to a failed command); the claim columns stay as
 * they are. Call inside the caller's transaction.
 */
export function finishAttempt(
  db: Db,
  claim: Claim,
  outcome: {
    state: AttemptOutcome;
    result: Record<string, unknown>;
    error?: string | null;
    sideEffectStarted?: boolean;
    sideEffectCompleted?: boolean;
    dispatcherId: string;
  },
  at: string,
): void {
  const error = outcome.error ?? null;
  const started = outcome.sideEffectStarted ? 1 : 0;
  const completed = outcome.sideEffectCompleted ? 1 : 0;
  const finished = db
    .prepare(
      `update command_attempts set state = ?, finished_at = ?, result_json = ?, error = ?, side_effect_started = ?, side_effect_completed = ? where id = ? and state = 'running'`,
    )
    .run(outcome.state, at, stableJson(outcome.result), error, started, completed, claim.attemptId);
  if (finished.changes !== 1) throw new Error(`command attempt ${claim.attemptId} is not running`);
  const commandState = outcome.state === 'abandoned' ? 'failed' : outcome.state;
  db.prepare('update commands set state = ?, updated_at = ?, result_json = ?, error = ? where id = ?').run(
    commandState,
    at,
    stableJson(outcome.result),
    error,
    claim.command.id,
  );
  appendTelemetry(db, {
    taskId: claim.command.task_id,
    timestamp: at,
    actor: 'dispatch',
    eventType: `dispatch_command_${outcome.state}`,
    severity: OUTCOME_SEVERITY[outcome.state],
    summary: `Dispatched command ${claim.command.type} ${outcome.state}.`,
    correlation: {
      attempt_id: claim.attemptId,
      command_id: claim.command.id,
      command_type: claim.command.type,
      correlation_id: claim.command.correlation_id,
      dispatcher_id: outcome.dispatcherId,
    },
    attributes: {
      error,
      manager_id: claim.command.manager_id,
      result: outcome.result,
      side_effect_completed: completed === 1,
      side_effect_started: started === 1,
      worker_id: claim.command.worker_id,
    },
  });
}

export interface RecoveredClaim {
  attempt_id: number | null;
  command_id: string;
  command_type: string;
  error: string;
  side_effect_started: boolean;
  state: 'requeued' | 'failed';
}

/**
 * Stale-claim recovery at the start of a pass: an expired claim whose side effect had started fails (a person
 * must check it); one that had not is abandoned and requeued while attempts remain, else failed.
 */
export function recoverStaleClaims(
  db: Db,
  types: readonly string[],
  dispatcherId: string,
  now: Date,
): RecoveredClaim[] {
  if (types.length === 0) return [];
  const at = isoMillis(now);
  return db
    .transaction(() => {
      const marks = types.map(() => '?').join(', ');
      const stale = db
        .prepare<unknown[], CommandRow>(
          `select ${COMMAND_COLUMNS} from commands where state = 'attempted' and type in (${marks}) and claim_expires_at is not null order by created_at, id`,
        )
        .all(...types)
        .filter((c) => Date.parse(c.claim_expires_at as string) <= now.getTime());
      return stale.map((command): RecoveredClaim => {
        const attempt = db
          .prepare<[string], AttemptRow>(
            `select ${ATTEMPT_COLUMNS} from command_attempts where command_id = ? and state = 'running' order by id desc limit 1`,
          )
          .get(command.id);
        const sideEffectStarted = attempt?.side_effect_started === 1;
        const requeue = !sideEffectStarted && command.attempts < command.max_attempts;
        const error = sideEffectStarted
          ? 'claim expired after the delivery side effect started; check the target session by hand before retrying'
          : 'claim expired before any side effect; the command was released';
        if (attempt) {
          db.prepare(`update command_attempts set state = ?, finished_at = ?, error = ? where id = ?`).run(
            sideEffectStarted ? 'failed' : 'abandoned',
            at,
            error,
            attempt.id,
          );
        }
        db.prepare(
          `update commands set state = ?, claimed_by = null, claimed_at = null, claim_expires_at = null, updated_at = ?, error = ? where id = ?`,
        ).run(requeue ? 'pending' : 'failed', at, error, command.id);
        const state = requeue ? 'requeued' : 'failed';
        appendTelemetry(db, {
          taskId: command.task_id,
          timestamp: at,
          actor: 'dispatch',
          eventType: sideEffectStarted ? 'dispatch_command_failed' : 'dispatch_command_abandoned',
          severity: sideEffectStarted ? 'error' : 'warning',
          summary: `Recovered stale claim of command ${command.type}.`,
          correlation: {
            attempt_id: attempt?.id ?? null,
            command_id: command.id,
            command_type: command.type,
            correlation_id: command.correlation_id,
            dispatcher_id: dispatcherId,
          },
          attributes: { recovery_state: state, side_effect_started: sideEffectStarted },
        });
        return {
          attempt_id: attempt?.id ?? null,
          command_id: command.id,
          command_type: command.type,
          error,
          side_effect_started: sideEffectStarted,
          state,
        };
      });
    })
    .immediate();
}
