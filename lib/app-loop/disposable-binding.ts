// create-disposable-binding: bootstrap a no-tmux manager/worker pair in one call: the task (created when
// missing), a small rollout file per session, both sessions, the binding, and the heartbeat guidance a
// pull-required pair needs to keep itself moving.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isoMillis } from '../clock.js';
import type { Db } from '../store/open.js';
import { ConflictError, UsageError } from '../errors.js';
import { activeBindingForTask, createBinding, liveBindingOfSession } from '../tasks/bindings.js';
import { appendEvent } from '../store/events.js';
import { findSession, upsertSession, type Role } from '../sessions/sessions.js';
import { createTask, findTask, isTerminal, setTaskState } from '../tasks/tasks.js';
import {
  closeoutCommand,
  deliveryTemplates,
  heartbeatCommand,
  inboxCommand,
  loopStatusCommand,
  shellQuote,
  wakeupDispatchCommand,
  wakeupPlanCommand,
} from './commands.js';
import { checkIterations, insertPolicyRecord, type RunRecord } from '../loops/runs.js';
import { requireLoopTemplate, templateRunMetadata } from '../loops/templates.js';
import { HEARTBEAT_INTERVAL_MINUTES } from './leases.js';
import { databasePathOf } from './loop-status.js';
import { disposableWorkerHandoff, managerHeartbeatPrompt, workerHeartbeatPrompt } from './prompts.js';
import { sessionSlug } from './session-slug.js';

export const DEFAULT_DISPOSABLE_GOAL = 'Disposable no-tmux Ralph-loop task.';

export interface DisposableBindingInput {
  task: string;
  worker?: string;
  manager?: string;
  goal?: string;
  summary?: string;
  /** Working folder recorded on both sessions; defaults to the process cwd. */
  cwd?: string;
  /** Where the rollout files go; defaults to <folder of the database>/disposable-sessions. */
  sessionDir?: string;
  workerThreadId?: string;
  workerThreadTitle?: string;
  managerThreadId?: string;
  managerThreadTitle?: string;
  /** Stored as the sessions' pid; a disposable session has no Codex process of its own. */
  pid?: number;
  /** The loop policy run (gaps spec G2): made only with a template or a non-empty required list. */
  loop?: DisposableLoopInput;
}

export interface DisposableLoopInput {
  template?: string;
  /** --required-before-continue entries (trimmed, de-duplicated) plus adversarial_check for --adversarial. */
  requiredBeforeContinue?: string[];
  runName?: string;
  maxIterations?: number;
  currentIteration?: number;
  seedPromptSha256?: string;
  cleanupPolicy?: string;
}

/** The required list of a disposable loop: trimmed, blanks refused, first occurrence kept. */
export function disposableRequiredList(entries: readonly string[], adversarial: boolean): string[] {
  const list: string[] = [];
  for (const entry of [...entries, ...(adversarial ? ['adversarial_check'] : [])]) {
    const value = entry.trim();
    if (value === '') throw new UsageError('required evidence entries must be non-empty');
    if (!list.includes(value)) list.push(value);
  }
  return list;
}

function loopRunMetadata(loop: DisposableLoopInput): Record<string, unknown> {
  const required = loop.requiredBeforeContinue ?? [];
  if (loop.template !== undefined) {
    const template = requireLoopTemplate(loop.template);
    const max = loop.maxIterations ?? template.max_iterations;
    const current = loop.currentIteration ?? 1;
    checkIterations(max, current);
    return templateRunMetadata(template, {
      maxIterations: max,
      currentIteration: current,
      seedPromptSha256: loop.seedPromptSha256 ?? null,
      extraRequired: required,
    });
  }
  const max = loop.maxIterations ?? 2;
  const current = loop.currentIteration ?? 1;
  checkIterations(max, current);
  return {
    cleanup_policy: loop.cleanupPolicy ?? 'clear',
    current_iteration: current,
    kind: 'ralph_loop',
    max_iterations: max,
    policy_record: true,
    preset: null,
    required_before_continue: required,
    seed_prompt_sha256: loop.seedPromptSha256 ?? null,
    source: 'create-disposable-binding',
    stop_conditions: ['max_iterations', 'required_evidence'],
  };
}

/** Derived, never stored: a disposable session has a rollout and no tmux, so it must pull. */
export interface DisposableCommunication {
  can_receive_pull: true;
  can_receive_push: false;
  delivery_mode: 'pull_required';
  detection_source: 'codex_session_without_tmux';
  poll_command: string;
  poll_command_template: string;
  receive_style: 'pull';
  requires_polling: true;
  session_kind: 'codex_app';
  tmux_session: null;
}

export interface DisposableSession {
  codex_app_thread_id: string | null;
  codex_app_thread_title: string | null;
  communication: DisposableCommunication;
  id: string;
  name: string;
  rollout_path: string;
  tmux_session: null;
}

export interface HeartbeatRecommendations {
  applies_when: {
    can_receive_push: false;
    delivery_mode: 'pull_required';
    receive_style: 'pull';
    session_kind: 'codex_app';
  };
  delivery_receipt_commands: { blocked: string; note: string; sent: string; skipped: string };
  interval_minutes: number;
  manager: RoleHeartbeat;
  note: string;
  status_command: string;
  teardown_policy: {
    idle_poll: string;
    owner: 'manager_or_operator';
    terminal_closeout: string;
    terminal_closeout_command: string;
    worker_rule: string;
  };
  wakeup_dispatch_command: string;
  wakeup_plan_command: string;
  worker: RoleHeartbeat;
}

export interface RoleHeartbeat {
  direct_inbox_command: string;
  kind: 'thread_heartbeat';
  poll_command: string;
  prompt: string;
}

export interface DisposableBindingResult {
  binding: { id: string };
  db_path: string;
  heartbeat_recommendations: HeartbeatRecommendations;
  manager: DisposableSession;
  replay_commands: string[];
  run: RunRecord | null;
  task: { created: boolean; id: string; name: string; state: string };
  worker: DisposableSession;
  worker_handoff: string;
}

function communication(role: Role, task: string, dbPath: string): DisposableCommunication {
  return {
    can_receive_pull: true,
    can_receive_push: false,
    delivery_mode: 'pull_required',
    detection_source: 'codex_session_without_tmux',
    poll_command: inboxCommand(task, role, dbPath),
    poll_command_template: `conveyor ${role}-inbox <task> --consume-next --wait --timeout 60 --path ${shellQuote(dbPath)} --json`,
    receive_style: 'pull',
    requires_polling: true,
    session_kind: 'codex_app',
    tmux_session: null,
  };
}

const DISPOSABLE_BINDING_EVENT = 'disposable_binding_created';

/** Whether the task's pair was ever bound by create-disposable-binding. */
export function isDisposableTask(db: Db, taskId: string): boolean {
  return (
    db
      .prepare<[string, string], { one: number }>('select 1 as one from events where task_id = ? and type = ? limit 1')
      .get(taskId, DISPOSABLE_BINDING_EVENT) !== undefined
  );
}

/** The heartbeat recommendations of a disposable pair; null for a pair bound another way. */
export function heartbeatRecommendationsOfTask(
  db: Db,
  task: { id: string; name: string },
  dbPath: string,
): HeartbeatRecommendations | null {
  return isDisposableTask(db, task.id) ? heartbeatRecommendations(task.name, dbPath) : null;
}

export function heartbeatRecommendations(task: string, dbPath: string): HeartbeatRecommendations {
  const receipts = deliveryTemplates(task, dbPath);
  const role = (r: Role, prompt: string): RoleHeartbeat => ({
    direct_inbox_command: inboxCommand(task, r, dbPath),
    kind: 'thread_heartbeat',
    poll_command: heartbeatCommand(task, r, dbPath),
    prompt,
  });
  return {
    applies_when: {
      can_receive_push: false,
      delivery_mode: 'pull_required',
      receive_style: 'pull',
      session_kind: 'codex_app',
    },
    delivery_receipt_commands: {
      ...receipts,
      note: 'Use these only after app-wakeup-dispatch, filling <role>, <receipt.event_id> and <action.thread.id> from its JSON; record sent only for actions with send_ready=true.',
    },
    interval_minutes: HEARTBEAT_INTERVAL_MINUTES,
    manager: role('manager', managerHeartbeatPrompt(task, dbPath)),
    note: 'Dispatch fills the inboxes of pull-required sessions, but an idle Codex app / no-tmux session only polls when a heartbeat automation or an operator wakes it.',
    status_command: loopStatusCommand(task, dbPath),
    teardown_policy: {
      idle_poll:
        'Never delete, pause, or disable a manager or worker heartbeat because a poll found nothing; an empty inbox is just a quiet interval.',
      owner: 'manager_or_operator',
      terminal_closeout:
        'Heartbeats are torn down only by the manager or the operator: after a terminal manager decision and a verified task closeout, or on an explicit operator instruction.',
      terminal_closeout_command: closeoutCommand(task, dbPath),
      worker_rule:
        'The worker must not own loop teardown and never removes a heartbeat automation because polls were idle.',
    },
    wakeup_dispatch_command: wakeupDispatchCommand(task, dbPath),
    wakeup_plan_command: wakeupPlanCommand(task, dbPath),
    worker: role('worker', workerHeartbeatPrompt(task, dbPath)),
  };
}

/** 0.1.12's replay list (it names the legacy scripts/workerctl entry point; kept for compatibility). */
function replayCommands(
  task: string,
  worker: string,
  manager: string,
  sessionDir: string,
  dbPath: string,
  run: { name: string; template?: string; required: string[] } | null = null,
): string[] {
  const path = `--path ${shellQuote(dbPath)}`;
  const setup = `scripts/workerctl create-disposable-binding ${shellQuote(task)} --worker ${shellQuote(worker)} --manager ${shellQuote(manager)} --session-dir ${shellQuote(sessionDir)}`;
  if (run !== null) {
    const loopFlags = [
      ...(run.template === undefined ? [] : [`--template ${shellQuote(run.template)}`]),
      ...run.required.map((entry) => `--required-before-continue ${shellQuote(entry)}`),
      `--run-name ${shellQuote(run.name)}`,
    ].join(' ');
    const q = shellQuote(task);
    return [
      `${setup} ${loopFlags} --json ${path}`,
      `scripts/workerctl enqueue-continue-iteration ${q} --loop-run ${shellQuote(run.name)} --requested-iteration 2 --message 'Run the next iteration.' ${path}`,
      `scripts/workerctl dispatch --once --type continue_iteration ${path}`,
      `scripts/workerctl worker-inbox ${q} --consume-next --wait ${path} --json`,
      `scripts/workerctl loop-status ${q} --run ${shellQuote(run.name)} ${path} --json`,
    ];
  }
  return [
    `${setup} --json ${path}`,
    `scripts/workerctl session-inbox WORKER_SESSION --wait ${path} --json`,
    `scripts/workerctl manager-inbox MANAGER_SESSION --wait ${path} --json`,
  ];
}

/** A one-line rollout (the session_meta record) so ingest and discover treat the session as a Codex session. */
function writeRollout(sessionDir: string, name: string, cwd: string): { path: string; codexSessionId: string } {
  const codexSessionId = `codex-${sessionSlug(name)}`;
  const path = join(sessionDir, `rollout-${sessionSlug(name)}.jsonl`);
  const record = {
    payload: { cwd, id: codexSessionId, originator: 'conveyor create-disposable-binding' },
    type: 'session_meta',
  };
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(record)}\n`);
  } catch (error) {
    throw new ConflictError(`cannot write the rollout file ${path}: ${(error as Error).message}`, { cause: error });
  }
  return { path, codexSessionId };
}

function requireName(value: string, what: string): string {
  if (value.trim() === '') throw new UsageError(`create-disposable-binding: ${what} must not be empty`);
  return value;
}

export function createDisposableBinding(db: Db, input: DisposableBindingInput, now: Date): DisposableBindingResult {
  const taskName = requireName(input.task, 'the task name');
  const workerName = requireName(input.worker ?? `${taskName}-worker`, '--worker');
  const managerName = requireName(input.manager ?? `${taskName}-manager`, '--manager');
  if (workerName === managerName)
    throw new UsageError('create-disposable-binding: --worker and --manager must name different sessions');
  const dbPath = databasePathOf(db);
  const cwd = resolve(input.cwd ?? process.cwd());
  const sessionDir = resolve(input.sessionDir ?? join(dirname(dbPath), 'disposable-sessions'));

  // Refuse before any file is written.
  const existing = findTask(db, taskName);
  if (existing && isTerminal(existing))
    throw new ConflictError(
      `task ${existing.name} is ${existing.state}; create a new task for a new disposable binding`,
    );
  if (existing && activeBindingForTask(db, existing.id))
    throw new ConflictError(`task ${existing.name} already has an active binding`);
  for (const [name, role] of [
    [workerName, 'worker'],
    [managerName, 'manager'],
  ] as const) {
    const session = findSession(db, name);
    if (session && session.role !== role)
      throw new ConflictError(
        `session ${name} is already registered as a ${session.role}; cannot use it as the ${role}`,
      );
    if (session && liveBindingOfSession(db, session.id))
      throw new ConflictError(`session ${name} is already in an active binding`);
  }

  const workerRollout = writeRollout(sessionDir, workerName, cwd);
  const managerRollout = writeRollout(sessionDir, managerName, cwd);
  const at = isoMillis(now);
  const pid = input.pid ?? process.pid;
  const written = db
    .transaction(() => {
      const task =
        existing ??
        createTask(
          db,
          { name: taskName, goal: input.goal ?? DEFAULT_DISPOSABLE_GOAL, summary: input.summary ?? null },
          now,
        );
      setTaskState(db, task.id, 'managed', at);
      const register = (
        name: string,
        role: Role,
        rollout: { path: string; codexSessionId: string },
        threadId?: string,
        threadTitle?: string,
      ) =>
        upsertSession(
          db,
          {
            name,
            role,
            pid,
            cwd,
            codexSessionPath: rollout.path,
            codexSessionId: rollout.codexSessionId,
            tmuxSession: null,
            codexAppThreadId: threadId ?? null,
            codexAppThreadTitle: threadTitle ?? null,
            via: 'create-disposable-binding',
          },
          at,
        );
      const worker = register(workerName, 'worker', workerRollout, input.workerThreadId, input.workerThreadTitle);
      const manager = register(managerName, 'manager', managerRollout, input.managerThreadId, input.managerThreadTitle);
      const live = createBinding(db, task, workerName, managerName, at);
      return { task, worker, manager, bindingId: live.binding.id };
    })
    .immediate();

  // As in 0.1.12 the loop policy is validated only now: a bad --max-iterations leaves the binding in place.
  const loop = input.loop;
  const wantsRun =
    loop !== undefined && (loop.template !== undefined || (loop.requiredBeforeContinue ?? []).length > 0);
  const metadata = wantsRun ? loopRunMetadata(loop) : null;
  const run = db
    .transaction((): RunRecord | null => {
      const record =
        metadata === null
          ? null
          : insertPolicyRecord(
              db,
              { taskId: written.task.id, taskName: written.task.name, name: loop?.runName, metadata },
              now,
            );
      appendEvent(db, {
        createdAt: at,
        type: DISPOSABLE_BINDING_EVENT,
        taskId: written.task.id,
        payload: { binding_id: written.bindingId, manager: managerName, run: record?.name ?? null, worker: workerName },
      });
      return record;
    })
    .immediate();

  const session = (row: typeof written.worker, role: Role, rolloutPath: string): DisposableSession => ({
    codex_app_thread_id: row.codex_app_thread_id,
    codex_app_thread_title: row.codex_app_thread_title,
    communication: communication(role, written.task.name, dbPath),
    id: row.id,
    name: row.name,
    rollout_path: rolloutPath,
    tmux_session: null,
  });
  return {
    binding: { id: written.bindingId },
    db_path: dbPath,
    heartbeat_recommendations: heartbeatRecommendations(written.task.name, dbPath),
    manager: session(written.manager, 'manager', managerRollout.path),
    replay_commands: replayCommands(
      written.task.name,
      workerName,
      managerName,
      sessionDir,
      dbPath,
      run === null ? null : { name: run.name, template: loop?.template, required: loop?.requiredBeforeContinue ?? [] },
    ),
    run,
    task: { created: existing === undefined, id: written.task.id, name: written.task.name, state: 'managed' },
    worker: session(written.worker, 'worker', workerRollout.path),
    worker_handoff: disposableWorkerHandoff(written.task.name, dbPath, run?.name ?? null),
  };
}
