// Legacy workers of 0.1.12: a raw Codex in tmux session codex-<name> with a state folder, started by `create`
// (or `start-test`), reached by `nudge`/`interrupt`, stopped by `stop`; and `start`, a raw Codex with a setup
// prompt. Database writes are short transactions between tmux calls, never around them.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomUuid } from '../store/ids.js';
import { isoMillis, isoSeconds } from '../clock.js';
import { LifecycleError, NotFoundError, TmuxError, UsageError } from '../errors.js';
import { findSession, type SessionRow } from '../sessions/sessions.js';
import { appendEvent } from '../store/events.js';
import { expandHome } from '../store/location.js';
import type { Db } from '../store/open.js';
import { classifyStartup, type StartupState } from '../tmux/classify.js';
import { legacyShellCommand, pause, requireTmux } from '../tmux/launch.js';
import { legacyContractPrompt, rawStartCommands, rawStartPrompt } from '../tmux/prompts.js';
import { sendSessionText } from '../tmux/session-actions.js';
import { legacyBuffer, type SendTextResult, type Tmux } from '../tmux/tmux.js';
import { requireMacos, resolveTerminal, runTerminalCommand, terminalCommand, type Terminal } from '../tmux/terminal.js';
import { findTask } from '../tasks/tasks.js';
import { activeBindingForTask } from '../tasks/bindings.js';
import { appendEventRow, upsertLegacyWorker } from './observe.js';
import { checkWorkerName, type StateFiles } from './state-files.js';

const DEFAULT_INTERRUPT_FOLLOWUP =
  'Pause here. Update status.json (conveyor update-status) with what was interrupted, whether you are blocked, and the next safe action.';

/** A directory given by the user: `~` expanded, made absolute; it must exist. */
export function existingDirectory(cwd: string, base: string): string {
  const path = resolve(base, expandHome(cwd));
  if (!existsSync(path) || !statSync(path).isDirectory())
    throw new LifecycleError(`working directory does not exist: ${path}`);
  return path;
}

function legacyText(tmux: Tmux, name: string, text: string, time: string): SendTextResult {
  const session = `codex-${name}`;
  return tmux.sendText(
    { session: name, tmuxSession: session, target: session, buffer: legacyBuffer(name), text, time },
    () => `worker ${name} is not running in tmux session ${session}`,
  );
}

export function requireLegacyConfig(files: StateFiles, name: string): Record<string, unknown> {
  const config = files.config(name);
  if (!config) throw new NotFoundError('worker', name, `Unknown worker: ${name}`);
  return config;
}

// ------------------------------------------------------------------------------------------------ create

export interface CreateInput {
  name: string;
  cwd: string;
  task: string | null;
  initialPrompt: boolean;
  reuse: boolean;
  waitReady: boolean;
  waitReadyTimeout: number;
  acceptTrust: boolean;
  verify: boolean;
  verifyTimeout: number;
  stopAfter: boolean;
  /** Put on PATH inside the pane so that `conveyor` resolves there (null: leave PATH alone). */
  binDir: string | null;
}

const DEFAULT_CURRENT_TASK = 'Waiting for instructions from the manager';
const DEFAULT_NEXT_ACTION = 'Read the contract and report status with conveyor update-status';

export function createLegacyWorker(
  db: () => Db,
  tmux: Tmux,
  files: StateFiles,
  input: CreateInput,
  now: () => Date,
): string {
  checkWorkerName(input.name);
  const cwd = input.cwd;
  requireTmux(tmux);
  const session = `codex-${input.name}`;
  if (files.config(input.name) && !input.reuse)
    throw new LifecycleError(`Worker already exists: ${input.name}. Pass --reuse to reuse its state folder.`);
  if (tmux.running(session)) throw new LifecycleError(`tmux session already exists: ${session}`);
  const database = db();
  const existing = database
    .prepare<[string], { tmux_session: string }>('select tmux_session from workers where name = ?')
    .get(input.name);
  if (existing && !input.reuse)
    throw new LifecycleError(
      `a worker named ${input.name} is already recorded in the database; pass --reuse to reuse it`,
    );
  if (existing && existing.tmux_session !== session)
    throw new LifecycleError(
      `worker ${input.name} is recorded with tmux session ${existing.tmux_session}, not ${session}`,
    );
  const at = isoSeconds(now());
  const token = `workerctl-${randomUuid()}`;
  const stateDir = files.dir(input.name);
  const config: Record<string, unknown> = {
    created_at: at,
    cwd,
    identity_token: token,
    name: input.name,
    startup: 'launched',
    startup_reason: 'the tmux session was started; readiness was not checked',
    state_dir: stateDir,
    tmux_session: session,
    tmux_target: session,
  };
  files.writeJson(input.name, 'config.json', config);
  const status = {
    blocker: null,
    current_task: input.task ?? DEFAULT_CURRENT_TASK,
    last_update: at,
    next_action: DEFAULT_NEXT_ACTION,
    state: 'waiting',
  };
  files.writeJson(input.name, 'status.json', status);
  files.writeText(input.name, 'transcript.txt', '');
  const workerId = database
    .transaction(() => {
      const id = upsertLegacyWorker(database, input.name, config, 'candidate', at);
      database
        .prepare(
          'insert into statuses(worker_id, state, current_task, next_action, blocker, created_at) values (?, ?, ?, ?, null, ?)',
        )
        .run(id, 'waiting', status.current_task, status.next_action, at);
      appendEventRow(database, 'worker_create_recorded', id, { cwd, name: input.name, tmux_session: session }, at);
      return id;
    })
    .immediate();
  config.worker_id = workerId;
  files.writeJson(input.name, 'config.json', config);
  const contractPath = files.path(input.name, 'contract.txt');
  files.writeText(
    input.name,
    'contract.txt',
    legacyContractPrompt({
      name: input.name,
      task: input.task,
      identityToken: token,
      statusPath: files.path(input.name, 'status.json'),
    }),
  );
  tmux.newSession(
    session,
    legacyShellCommand({
      binDir: input.binDir,
      cwd,
      passthrough: [],
      promptFile: input.initialPrompt ? contractPath : null,
    }),
  );
  const pane = tmux.paneValue(session, '#{pane_id}');
  const paneId = 'value' in pane ? pane.value : null;
  config.tmux_pane_id = paneId;
  files.writeJson(input.name, 'config.json', config);
  database
    .transaction(() => {
      upsertLegacyWorker(database, input.name, config, 'active', at);
      database.prepare('update workers set tmux_pane_id = ? where id = ?').run(paneId, workerId);
      appendEventRow(database, 'worker_tmux_started', workerId, { tmux_pane_id: paneId, tmux_session: session }, at);
    })
    .immediate();
  files.appendEvent(
    input.name,
    'create',
    { contract_path: contractPath, cwd, initial_prompt: input.initialPrompt, task: input.task },
    now(),
  );

  const lines = [
    `created ${input.name}`,
    `tmux session: ${session}`,
    `state dir: ${stateDir}`,
    input.initialPrompt
      ? 'contract given to Codex as its first prompt'
      : 'contract saved but not sent; send it with conveyor nudge',
  ];
  if (input.waitReady) {
    const ready = waitReady(tmux, files, input, config, now);
    if (input.acceptTrust) lines.push(`trust: accepted=${ready.trust_accepted}`);
    lines.push(`startup: ${ready.startup} (${ready.reason})`);
    if (ready.recommended_action !== 'none') lines.push(`recommended action: ${ready.recommended_action}`);
  } else if (input.acceptTrust) {
    tmux.sendKey(session, 'Enter');
    files.appendEvent(input.name, 'accept_trust', {}, now());
    lines.push('trust: sent Enter');
  }
  if (input.verify) {
    const verified = verifyStatus(tmux, files, input, status, now);
    lines.push(verified.ok ? `verified: yes (${verified.reason})` : `verified: no (${verified.reason})`);
    const latest = files.readJson(input.name, 'status.json') ?? {};
    lines.push(`state: ${String(latest.state ?? 'unknown')}`);
    if (typeof latest.current_task === 'string' && latest.current_task !== '')
      lines.push(`current task: ${latest.current_task}`);
  }
  lines.push('', 'Attach:', `  tmux attach -t ${session}`, '', 'Stop:', `  conveyor stop ${input.name}`);
  if (input.stopAfter && tmux.running(session)) {
    tmux.kill(session);
    files.appendEvent(input.name, 'stop', { killed_session: true, reason: 'stop_after' }, now());
    lines.push('', `stopped ${input.name} (--stop-after)`);
  }
  return lines.join('\n');
}

interface ReadyResult {
  reason: string;
  recommended_action: string;
  startup: StartupState | 'exited';
  timeout_seconds: number;
  trust_accepted: boolean;
}

/** Polls the pane until Codex is ready, working, asks for trust or errs, or the timeout passes. */
function waitReady(
  tmux: Tmux,
  files: StateFiles,
  input: CreateInput,
  config: Record<string, unknown>,
  now: () => Date,
): ReadyResult {
  const session = `codex-${input.name}`;
  const deadline = Date.now() + Math.max(1, input.waitReadyTimeout) * 1000;
  let accepted = false;
  let startup: StartupState | 'exited' = 'starting';
  let reason = 'the pane was not read yet';
  for (;;) {
    if (!tmux.running(session)) {
      startup = 'exited';
      reason = 'the tmux session ended';
      break;
    }
    const seen = classifyStartup(tmux.capture(session, 80));
    startup = seen.startup;
    reason = seen.reason;
    if (startup === 'needs_trust' && input.acceptTrust && !accepted) {
      tmux.sendKey(session, 'Enter');
      files.appendEvent(input.name, 'accept_trust', {}, now());
      accepted = true;
      continue;
    }
    if (startup !== 'starting' || Date.now() >= deadline) break;
    pause(200);
  }
  const recommended =
    startup === 'needs_trust' && !input.acceptTrust
      ? 'rerun with --accept-trust if this directory is trusted'
      : startup === 'starting'
        ? 'inspect the terminal capture'
        : 'none';
  const result = {
    reason,
    recommended_action: recommended,
    startup,
    timeout_seconds: input.waitReadyTimeout,
    trust_accepted: accepted,
  };
  Object.assign(config, {
    startup,
    startup_checked_at: isoSeconds(now()),
    startup_reason: reason,
    startup_recommended_action: recommended,
  });
  files.writeJson(input.name, 'config.json', config);
  files.appendEvent(input.name, 'wait_ready', result, now());
  return result;
}

const PROGRESS_STATES = new Set(['planning', 'editing', 'running_tests', 'blocked', 'done']);

/** Waits for the worker to report a status (a changed status.json) until the timeout passes. */
function verifyStatus(
  tmux: Tmux,
  files: StateFiles,
  input: CreateInput,
  initial: { current_task: string; last_update: string },
  now: () => Date,
) {
  const deadline = Date.now() + Math.max(1, input.verifyTimeout) * 1000;
  for (;;) {
    const status = files.readJson(input.name, 'status.json') ?? {};
    const state = String(status.state ?? 'unknown');
    if (
      status.last_update !== initial.last_update ||
      status.current_task !== initial.current_task ||
      PROGRESS_STATES.has(state)
    ) {
      const result = { ok: true, reason: 'the worker updated its status', state };
      files.appendEvent(input.name, 'verify', result, now());
      return result;
    }
    if (Date.now() >= deadline) break;
    try {
      tmux.capture(`codex-${input.name}`, 80);
    } catch (error) {
      files.appendEvent(
        input.name,
        'capture_failed',
        { error: error instanceof Error ? error.message : String(error) },
        now(),
      );
    }
    pause(200);
  }
  const result = { ok: false, reason: 'timed out waiting for a status update', timeout_seconds: input.verifyTimeout };
  files.appendEvent(input.name, 'verify', result, now());
  return result;
}

// ------------------------------------------------------------------------------------------------ start

export interface RawStartInput {
  session: string;
  cwd: string;
  startPrompt: boolean;
  passthrough: string[];
  binDir: string | null;
}

/** A raw Codex in tmux session `session`, told how to register itself; no database access. */
export function startRawSession(tmux: Tmux, files: StateFiles, input: RawStartInput) {
  checkWorkerName(input.session);
  const cwd = input.cwd;
  requireTmux(tmux);
  if (tmux.running(input.session)) throw new LifecycleError(`tmux session already exists: ${input.session}`);
  const promptInput = { session: input.session, cwd, conveyor: 'conveyor', passthrough: input.passthrough };
  let promptPath: string | null = null;
  if (input.startPrompt) {
    promptPath = join(files.root, 'artifacts', 'start-prompts', `${input.session}.md`);
    mkdirSync(dirname(promptPath), { recursive: true });
    writeFileSync(promptPath, rawStartPrompt(promptInput));
  }
  tmux.newSession(
    input.session,
    legacyShellCommand({ binDir: input.binDir, cwd, passthrough: input.passthrough, promptFile: promptPath }),
  );
  const commands = rawStartCommands(promptInput);
  return {
    attach_command: `tmux attach -t ${input.session}`,
    bind_command_template: commands.bind,
    cwd,
    manager_config_questions_command_template: commands.questions,
    register_worker_command_template: commands.register,
    session: input.session,
    start_manager_command_template: commands.startManager,
    start_prompt_path: promptPath,
    start_prompt_sent: promptPath !== null,
  };
}

// ------------------------------------------------------------------------------------------------ stop

/** Stop a legacy worker (by its config) or a registered session: optional last message, then kill. */
export function stopWorkerOrSession(
  db: () => Db,
  tmux: Tmux,
  files: StateFiles,
  input: { name: string; message: string | null },
  now: () => Date,
): string {
  let config: Record<string, unknown> | null;
  try {
    config = files.config(input.name);
  } catch (error) {
    throw new LifecycleError(error instanceof Error ? error.message : String(error));
  }
  if (config) {
    const session = `codex-${input.name}`;
    if (input.message !== null && tmux.running(session)) {
      legacyText(tmux, input.name, input.message, isoSeconds(now()));
      files.appendEvent(input.name, 'stop_message', { message: input.message }, now());
    }
    const running = tmux.running(session);
    if (running) tmux.kill(session);
    files.appendEvent(input.name, 'stop', { killed_session: running }, now());
    return running ? `stopped ${input.name}` : `${input.name} was not running`;
  }
  const database = db();
  const session = findSession(database, input.name);
  if (!session) throw new LifecycleError(`Unknown worker or session: ${input.name}`);
  if (!session.tmux_session) throw new UsageError(`no tmux session is registered for ${input.name}`);
  const target = session.tmux_session;
  const at = isoSeconds(now());
  let messageSent = false;
  if (input.message !== null && tmux.running(target)) {
    sendSessionText(tmux, session, input.message, { time: at });
    messageSent = true;
  }
  const running = tmux.running(target);
  if (running) tmux.kill(target);
  database
    .transaction(() => {
      if (messageSent)
        appendEvent(database, {
          createdAt: at,
          type: 'session_stop_message',
          payload: { role: session.role, session: session.name, target, text_length: (input.message as string).length },
        });
      database.prepare(`update sessions set state = 'gone', last_heartbeat_at = ? where id = ?`).run(at, session.id);
      appendEvent(database, {
        createdAt: at,
        type: 'session_stopped',
        payload: { killed_session: running, role: session.role, session: session.name, target },
      });
    })
    .immediate();
  files.appendEvent(
    input.name,
    'stop',
    { killed_session: running, lookup_source: 'session', role: session.role, target },
    now(),
  );
  return running ? `stopped ${input.name}` : `${input.name} was not running`;
}

// ------------------------------------------------------------------------------------------------ nudge / interrupt

export type NudgeOutcome = { kind: 'legacy'; text: string } | { kind: 'session'; result: SendTextResult };

/** A legacy worker's paste, else (only for an unknown worker) the registered session's. */
export function nudgeWorkerOrSession(
  db: () => Db,
  tmux: Tmux,
  files: StateFiles,
  input: { name: string; message: string; dryRun: boolean },
  now: () => Date,
): NudgeOutcome {
  let legacyError: unknown;
  try {
    requireLegacyConfig(files, input.name);
    if (input.dryRun) {
      if (!tmux.running(`codex-${input.name}`))
        throw new TmuxError(`worker ${input.name} is not running in tmux session codex-${input.name}`);
      return { kind: 'legacy', text: `would send nudge to ${input.name} (dry run)` };
    }
    legacyText(tmux, input.name, input.message, isoMillis(now()));
    files.appendEvent(input.name, 'nudge', { message: input.message }, now());
    return { kind: 'legacy', text: `sent nudge to ${input.name}` };
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    legacyError = error;
  }
  const database = db();
  try {
    const session: SessionRow | undefined = findSession(database, input.name);
    if (!session)
      throw new NotFoundError('session', input.name, `no session registered with name ${JSON.stringify(input.name)}`);
    const result = sendSessionText(tmux, session, input.message, { time: isoMillis(now()), dryRun: input.dryRun });
    appendEvent(database, {
      createdAt: isoSeconds(now()),
      type: 'session_nudged',
      payload: { dry_run: input.dryRun, session: input.name, success: true, text_length: input.message.length },
    });
    return { kind: 'session', result };
  } catch (error) {
    const first = legacyError instanceof Error ? legacyError.message : String(legacyError);
    const second = error instanceof Error ? error.message : String(error);
    throw new UsageError(
      `could not nudge ${input.name}: ${first}; as a registered session: ${second}. For a registered session use conveyor session-nudge ${input.name} "..."`,
    );
  }
}

export function interruptLegacyWorker(
  tmux: Tmux,
  files: StateFiles,
  input: { name: string; key: string; followup: string | null | undefined; dryRun: boolean },
  now: () => Date,
) {
  requireLegacyConfig(files, input.name);
  const session = `codex-${input.name}`;
  if (!tmux.running(session)) throw new TmuxError(`worker ${input.name} is not running in tmux session ${session}`);
  const followup = input.followup === undefined ? DEFAULT_INTERRUPT_FOLLOWUP : input.followup;
  const result = { dry_run: input.dryRun, followup, key: input.key, name: input.name, time: isoMillis(now()) };
  if (input.dryRun) return result;
  tmux.sendKey(session, input.key);
  if (followup !== null) {
    pause(500); // let Codex finish reacting to the key before the follow-up arrives
    legacyText(tmux, input.name, followup, result.time);
  }
  files.appendEvent(input.name, 'interrupt', result, now());
  return result;
}

// ------------------------------------------------------------------------------------------------ open

/** `open NAME`: a terminal window on a legacy worker's session, once (again only with --force). */
export function openLegacyWorker(
  tmux: Tmux,
  files: StateFiles,
  input: { name: string; platform: string; terminal: Terminal; force: boolean; dryRun: boolean },
  now: () => Date,
) {
  let config: Record<string, unknown> | null;
  try {
    config = files.config(input.name);
  } catch (error) {
    throw new LifecycleError(error instanceof Error ? error.message : String(error));
  }
  if (!config) throw new LifecycleError(`Unknown worker: ${input.name}`);
  requireMacos(input.platform);
  const session = `codex-${input.name}`;
  if (!tmux.running(session))
    throw new LifecycleError(`worker ${input.name} is not running in tmux session ${session}`);
  if (!input.force) {
    const prior = files
      .readEvents(input.name)
      .events.filter((e) => e.type === 'open' || e.type === 'open_attempt')
      .at(-1);
    if (prior)
      throw new LifecycleError(
        `a terminal was already opened for ${input.name} at ${String(prior.time)}; attach with \`tmux attach -t ${session}\` or pass --force`,
      );
  }
  const terminal = resolveTerminal(input.terminal);
  const command = terminalCommand(terminal, session);
  const result = {
    attach_command: `tmux attach -t ${session}`,
    dry_run: input.dryRun,
    force: input.force,
    name: input.name,
    terminal,
    tmux_session: session,
  };
  if (input.dryRun) return { ...result, command };
  files.appendEvent(input.name, 'open_attempt', { forced: input.force, terminal }, now());
  runTerminalCommand(command);
  files.appendEvent(input.name, 'open', { forced: input.force, terminal }, now());
  return result;
}

/** `open-worker` / `open-manager TASK`: a terminal window on the session of that role in the task's live binding. */
export function openTaskSession(
  db: Db,
  tmux: Tmux,
  input: { task: string; role: 'worker' | 'manager'; platform: string; terminal: Terminal; dryRun: boolean },
) {
  const task = findTask(db, input.task);
  if (!task) throw new LifecycleError(`Unknown task: ${input.task}`);
  const live = activeBindingForTask(db, task.id);
  if (!live) throw new LifecycleError(`task ${input.task} has no active binding`);
  const session = input.role === 'worker' ? live.worker : live.manager;
  if (!session?.tmux_session) throw new LifecycleError(`task ${input.task} has no active ${input.role} in tmux`);
  requireMacos(input.platform);
  if (!tmux.running(session.tmux_session))
    throw new LifecycleError(`${input.role} ${session.name} is not running in tmux session ${session.tmux_session}`);
  const terminal = resolveTerminal(input.terminal);
  const command = terminalCommand(terminal, session.tmux_session);
  const result = {
    attach_command: `tmux attach -t ${session.tmux_session}`,
    dry_run: input.dryRun,
    task: input.task,
    terminal,
    tmux_session: session.tmux_session,
    [input.role]: session.name,
  };
  if (input.dryRun) return { ...result, command };
  runTerminalCommand(command);
  return result;
}
