// `pair`: resolve or create the task, seed its manager config and criteria, spawn the worker and the manager in
// tmux, bind them, open a run, and make sure a Dispatch watcher runs. Like 0.1.12 the steps are not one
// transaction (each spawn is a live process that a rollback could not undo): a failure leaves what was done,
// records pair_failed and exits 1. Unlike 0.1.12, every seeding flag is checked before anything is written.
import { isoSeconds } from '../clock.js';
import { addCriterion } from '../criteria/criteria.js';
import { ConflictError, LifecycleError } from '../errors.js';
import { dispatcherIsRecent, spawnDetached } from '../launch/dispatch-watcher.js';
import { appendEvent } from '../store/events.js';
import { newId } from '../store/ids.js';
import { stableJson } from '../store/json.js';
import type { Db } from '../store/open.js';
import { createBinding } from '../tasks/bindings.js';
import { EPILOGUE_STEPS, NUDGE_ON_COMPLETION, recordManagerConfig, SUPERVISION_MODES } from '../manager/config.js';
import { createTask, findTask, type TaskRow } from '../tasks/tasks.js';
import { appendTelemetry } from '../telemetry/telemetry.js';
import type { ProcessProbe } from './launch.js';
import { pairWorkerPrompt } from './prompts.js';
import { managerPromptFor, spawnCodexSession, type SpawnedSession } from './spawn.js';
import type { Tmux } from './tmux.js';

export interface ManagerSeed {
  mode?: string;
  recipe?: string;
  objective?: string;
  guidelines: string[];
  acceptance: string[];
  references: string[];
  permits: string[];
  tools: string[];
  epilogues: string[];
  nudgeOnCompletion?: string;
  requireAcks: boolean;
  allowPr: boolean;
  allowMergeGreen: boolean;
  allowWorkerCompactClear: boolean;
  permissionsJson?: string;
}

export function seedGiven(seed: ManagerSeed): boolean {
  return (
    seed.mode !== undefined ||
    seed.recipe !== undefined ||
    seed.objective !== undefined ||
    seed.nudgeOnCompletion !== undefined ||
    seed.permissionsJson !== undefined ||
    seed.requireAcks ||
    seed.allowPr ||
    seed.allowMergeGreen ||
    seed.allowWorkerCompactClear ||
    [seed.guidelines, seed.acceptance, seed.references, seed.permits, seed.tools, seed.epilogues].some(
      (list) => list.length > 0,
    )
  );
}

/** Every seeding value checked up front (0.1.12 found bad ones only after it had created the task). */
export function checkSeed(seed: ManagerSeed): Record<string, unknown> | null {
  const fail = (message: string): never => {
    throw new LifecycleError(message);
  };
  if (seed.mode !== undefined && !(SUPERVISION_MODES as readonly string[]).includes(seed.mode))
    fail(`--manager-mode must be one of ${SUPERVISION_MODES.join(', ')}`);
  for (const step of seed.epilogues)
    if (!(EPILOGUE_STEPS as readonly string[]).includes(step))
      fail(`--manager-epilogue must be one of ${EPILOGUE_STEPS.join(', ')}, got ${step}`);
  if (
    seed.nudgeOnCompletion !== undefined &&
    !(NUDGE_ON_COMPLETION as readonly string[]).includes(seed.nudgeOnCompletion)
  )
    fail(`--manager-nudge-on-completion must be one of ${NUDGE_ON_COMPLETION.join(', ')}`);
  if (seed.permissionsJson === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(seed.permissionsJson);
  } catch {
    return fail('--manager-permissions-json is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    fail('--manager-permissions-json must be a JSON object');
  return parsed as Record<string, unknown>;
}

export interface PairInput {
  task: string;
  workerName: string;
  managerName: string;
  taskGoal: string | null;
  taskSummary: string | null;
  taskPrompt: string | null;
  seed: ManagerSeed;
  cwd: string;
  sandbox?: string;
  approval?: string;
  codexProfile?: string;
  acceptTrust: boolean;
  timeoutSeconds: number;
  dispatchCommand: string[] | null;
  dispatcherId: string | null;
  dbPath: string;
  /** Where the Dispatch watcher starts (conveyor's own folder). */
  packageRoot: string;
  env: NodeJS.ProcessEnv;
  probe?: ProcessProbe;
}

export function runPair(db: Db, tmux: Tmux, input: PairInput, now: () => Date) {
  const overrides = checkSeed(input.seed);
  const at = isoSeconds(now());
  const context: Record<string, unknown> = {
    binding_id: null,
    manager: input.managerName,
    source: 'pair',
    task: input.task,
    worker: input.workerName,
  };
  let task: TaskRow | undefined = findTask(db, input.task);
  const progress = { binding_created: false, manager_spawned: false, run_created: false, worker_spawned: false };
  const record = (
    eventType: string,
    summary: string,
    attributes: Record<string, unknown>,
    extra: Record<string, unknown> = {},
    severity: 'info' | 'error' = 'info',
    runId: string | null = null,
  ) =>
    appendTelemetry(db, {
      taskId: task?.id ?? null,
      runId,
      timestamp: at,
      actor: 'workerctl',
      eventType,
      severity,
      summary,
      correlation: { ...context, ...extra },
      attributes,
    });
  if (!task && input.taskGoal === null) {
    throw new LifecycleError(
      `Task ${JSON.stringify(input.task)} does not exist. Pass --task-goal to create it, or create it first with \`conveyor tasks --create ${input.task} --goal "..."\`.`,
    );
  }
  try {
    const created = !task;
    if (!task)
      task = createTask(db, { name: input.task, goal: input.taskGoal as string, summary: input.taskSummary }, now());
    const resolved = task;
    record('pair_started', `Started pair setup for task ${input.task}.`, {
      cwd: input.cwd,
      task_created: created,
      task_goal_provided: input.taskGoal !== null,
    });
    record('pair_task_resolved', `${created ? 'Created' : 'Resolved'} task ${input.task}.`, { created });
    const hasConfig =
      db
        .prepare<[string], { task_id: string }>('select task_id from manager_configs where task_id = ?')
        .get(resolved.id) !== undefined;
    const seeded = seedGiven(input.seed) || !hasConfig;
    let criteriaSeeded = 0;
    if (seeded) {
      // manager-config's own writer (defaults, permission taxonomy, revision), in the pair's transaction.
      db.transaction(() => {
        const { config } = recordManagerConfig(
          db,
          resolved,
          {
            mode: input.seed.mode,
            recipe: input.seed.recipe,
            objective: input.seed.objective,
            guidelines: input.seed.guidelines,
            acceptance: input.seed.acceptance,
            references: input.seed.references,
            tools: input.seed.tools,
            epilogues: input.seed.epilogues,
            nudgeOnCompletion: input.seed.nudgeOnCompletion,
            requireAcks: input.seed.requireAcks,
            allowPr: input.seed.allowPr,
            allowMergeGreen: input.seed.allowMergeGreen,
            allowWorkerCompactClear: input.seed.allowWorkerCompactClear,
            permit: input.seed.permits,
            permissionsJson: overrides ?? undefined,
          },
          now(),
        );
        // pair's new config names its recipe "custom" (manager-config alone leaves it null), as in 0.1.12.
        if (!hasConfig && config.recipe_name === null) {
          db.prepare(`update manager_configs set recipe_name = 'custom' where task_id = ?`).run(resolved.id);
        }
        const counts = {
          acceptance_count: config.acceptance_criteria.length,
          guideline_count: config.guidelines.length,
          nudge_on_completion: config.nudge_on_completion,
          reference_count: config.reference_paths.length,
          supervision_mode: config.supervision_mode,
        };
        record('pair_manager_config_seeded', `Seeded the manager config of ${input.task}.`, counts);
      }).immediate();
    }
    const acceptance = JSON.parse(
      db
        .prepare<[string], { acceptance_criteria_json: string }>(
          'select acceptance_criteria_json from manager_configs where task_id = ?',
        )
        .get(resolved.id)?.acceptance_criteria_json ?? '[]',
    ) as unknown[];
    const existingCriteria = new Set(
      db
        .prepare<[string], { criterion: string }>('select criterion from acceptance_criteria where task_id = ?')
        .all(resolved.id)
        .map((r) => r.criterion),
    );
    const criterionIds: number[] = [];
    for (const text of acceptance) {
      if (typeof text !== 'string' || text.trim() === '' || existingCriteria.has(text)) continue;
      existingCriteria.add(text);
      const view = addCriterion(
        db,
        {
          taskId: resolved.id,
          criterion: text,
          source: 'manager_inferred',
          status: 'accepted',
          rationale: 'Seeded from the manager config by pair.',
          evidence: { source: 'manager_config' },
          at,
        },
        now(),
      );
      criterionIds.push(view.id);
    }
    criteriaSeeded = criterionIds.length;
    if (criteriaSeeded > 0)
      appendEvent(db, {
        createdAt: at,
        type: 'manager_acceptance_criteria_seeded',
        taskId: resolved.id,
        payload: { criterion_ids: criterionIds, source: 'manager_config' },
      });

    const spawn = (role: 'worker' | 'manager', name: string, prompt: string | null): SpawnedSession =>
      spawnCodexSession(
        db,
        tmux,
        {
          name,
          role,
          cwd: input.cwd,
          prompt,
          sandbox: input.sandbox,
          approval: input.approval,
          codexProfile: input.codexProfile,
          acceptTrust: input.acceptTrust,
          timeoutSeconds: input.timeoutSeconds,
          via: 'pair',
          probe: input.probe,
        },
        now,
      );
    const spawnedFields = (s: SpawnedSession) => ({
      codex_session_id: s.codex_session_id,
      codex_session_path: s.codex_session_path,
      pid: s.pid,
      tmux_session: s.tmux_session,
    });
    const worker = spawn(
      'worker',
      input.workerName,
      input.taskPrompt ? pairWorkerPrompt(input.taskPrompt, input.task, input.dbPath) : null,
    );
    progress.worker_spawned = true;
    record('pair_worker_spawned', `Spawned worker session ${worker.name}.`, spawnedFields(worker), {
      worker_session_id: worker.session_id,
    });
    const managerPrompt = managerPromptFor(db, {
      cwd: input.cwd,
      managerName: input.managerName,
      task: input.task,
      taskGoal: resolved.goal,
      workerName: input.workerName,
      dbPath: input.dbPath,
    });
    const manager = spawn('manager', input.managerName, managerPrompt);
    progress.manager_spawned = true;
    record('pair_manager_spawned', `Spawned manager session ${manager.name}.`, spawnedFields(manager), {
      manager_session_id: manager.session_id,
    });
    const live = createBinding(db, resolved, worker.name, manager.name, at);
    progress.binding_created = true;
    context.binding_id = live.binding.id;
    record('pair_binding_created', `Bound worker ${worker.name} and manager ${manager.name}.`, {
      manager_session_id: manager.session_id,
      worker_session_id: worker.session_id,
    });
    const runId = db
      .transaction(() => {
        if (
          db
            .prepare<[string], { id: string }>(`select id from runs where task_id = ? and status = 'active'`)
            .get(resolved.id)
        ) {
          throw new ConflictError(`task ${input.task} already has an active run`);
        }
        const id = newId('run');
        const metadata = {
          binding_id: live.binding.id,
          manager: manager.name,
          manager_config_seeded: seeded,
          manager_config_seeded_by_pair: seeded,
          source: 'pair',
          worker: worker.name,
        };
        db.prepare(
          `insert into runs(id, task_id, name, purpose, status, started_at, ended_at, metadata_json) values (?, ?, ?, ?, 'active', ?, null, ?)`,
        ).run(id, resolved.id, `${resolved.id}-pair`, resolved.goal, at, stableJson(metadata));
        appendEvent(db, {
          createdAt: at,
          type: 'run_created',
          taskId: resolved.id,
          payload: { run_id: id, source: 'pair' },
        });
        record(
          'pair_run_created',
          `Opened run ${id} for the pair on ${input.task}.`,
          {
            manager_acceptance_criteria_seeded: criteriaSeeded,
            manager_config_seeded: seeded,
            manager_config_seeded_by_pair: seeded,
          },
          {},
          'info',
          id,
        );
        return id;
      })
      .immediate();
    progress.run_created = true;
    const ensure = input.dispatchCommand !== null;
    let pid: number | null = null;
    if (ensure && !dispatcherIsRecent(db, input.dispatcherId as string, now()))
      pid = spawnDetached(input.dispatchCommand as string[], input.packageRoot, input.env);
    return {
      binding_id: live.binding.id,
      dispatch: { command: input.dispatchCommand, ensure, pid, started: pid !== null },
      dispatch_command: input.dispatchCommand,
      ensure_dispatch: ensure,
      manager,
      manager_acceptance_criteria_seeded: criteriaSeeded,
      manager_config_seeded: seeded,
      manager_config_seeded_by_pair: seeded,
      run_id: runId,
      task: { created, id: resolved.id, name: resolved.name },
      worker,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (task)
      record(
        'pair_failed',
        `Pair setup failed for task ${input.task}.`,
        { ...progress, error: message, error_type: 'Error' },
        {},
        'error',
      );
    throw new LifecycleError(message);
  }
}
