// doctor and doctor-self: can this machine run the tmux workflow (tmux, codex, the target folder and its state
// root), and can the calling Codex session register itself as a tmux-backed worker? Neither opens the database.
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { expandHome, stateRoot } from '../store/location.js';
import { whichTool, type ToolRunner } from './processes.js';

type Row = Record<string, unknown>;

export interface DoctorInput {
  cwd: string;
  /** --cwd, with ~ expanded and resolved against cwd. */
  targetCwd?: string;
  env: NodeJS.ProcessEnv;
  projectRoot: string;
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`invalid JSON in ${path}: ${(error as Error).message}`);
  }
}

/**
 * The legacy worker folders of the state root. 0.1.12 reads every folder's status.json before keeping only those
 * with a config.json, so one bad status.json anywhere fails the command (kept); folders are sorted by name here
 * where 0.1.12 used the directory's own order.
 */
function legacyWorkers(root: string): Row[] {
  if (!isDirectory(root)) return [];
  const workers: Row[] = [];
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    if (!isDirectory(dir)) continue;
    const configPath = join(dir, 'config.json');
    const statusPath = join(dir, 'status.json');
    const config = existsSync(configPath) ? readJson(configPath) : undefined;
    const status = existsSync(statusPath) ? readJson(statusPath) : {};
    if (config === undefined) continue;
    const configName = (config as Row | null)?.name;
    workers.push({
      config_path: configPath,
      name: typeof configName === 'string' ? configName : name,
      status,
    });
  }
  return workers;
}

export function doctor(input: DoctorInput, run: ToolRunner): Row {
  const tmux = whichTool(run, 'tmux');
  const codex = whichTool(run, 'codex');
  const checks: Row[] = [
    { name: 'tmux', ok: tmux !== null, path: tmux },
    { name: 'codex', ok: codex !== null, path: codex },
  ];
  if (tmux) {
    const version = run(tmux, ['-V']);
    checks.push({
      name: 'tmux_version',
      ok: version.status === 0,
      value: version.stdout.trim(),
    });
  }
  if (codex) {
    const version = run(codex, ['--version']);
    checks.push({
      name: 'codex_version',
      ok: version.status === 0,
      value: version.stdout.trim() || version.stderr.trim(),
    });
  }
  const target = input.targetCwd ?? input.cwd;
  checks.push({
    name: 'target_cwd_exists',
    ok: isDirectory(target),
    path: target,
  });
  const root = stateRoot(input.env, target);
  checks.push({ name: 'state_root_exists', ok: isDirectory(root), path: root });
  const ok = checks.filter((c) => c.name !== 'state_root_exists').every((c) => c.ok === true);
  return {
    checks,
    ok,
    project_root: input.projectRoot,
    workers: legacyWorkers(root),
  };
}

export interface DoctorSelfInput {
  session?: string;
  env: NodeJS.ProcessEnv;
  projectRoot: string;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

const REGISTER_WORKER = 'conveyor register-worker --name <NAME> --pid <PID> --cwd <CWD> --tmux-session <SESSION>';

export function doctorSelf(input: DoctorSelfInput, run: ToolRunner): Row {
  const codexHome = resolve(expandHome(input.env.CODEX_HOME || '~/.codex'));
  const workerctl = whichTool(run, 'workerctl');
  const script = join(input.projectRoot, 'scripts', 'workerctl');
  const tmux = whichTool(run, 'tmux');
  const codex = whichTool(run, 'codex');
  const checks: Row[] = [
    { name: 'workerctl_on_path', ok: workerctl !== null, path: workerctl },
    { name: 'workerctl_script', ok: existsSync(script), path: script },
    { name: 'tmux_on_path', ok: tmux !== null, path: tmux },
    { name: 'codex_on_path', ok: codex !== null, path: codex },
  ];
  let session: string | null = input.session ?? null;
  let accessError: string | null = null;
  if (input.session === undefined && tmux) {
    const shown = run(tmux, ['display-message', '-p', '#S']);
    if (shown.status === 0) session = shown.stdout.trim() || null;
    else accessError = shown.stderr.trim() || shown.stdout.trim() || null;
  }
  checks.push({ name: 'inside_tmux', ok: session !== null, session });
  const skillPath = join(codexHome, 'skills', 'manage-codex-workers', 'SKILL.md');
  const reviewSkillPath = join(codexHome, 'skills', 'codex-review', 'SKILL.md');
  const reviewHelperPath = join(codexHome, 'skills', 'codex-review', 'scripts', 'codex-review');
  checks.push(
    {
      name: 'manage_skill_installed',
      ok: existsSync(skillPath),
      path: skillPath,
    },
    {
      name: 'codex_review_skill_installed',
      ok: existsSync(reviewSkillPath),
      path: reviewSkillPath,
    },
    {
      name: 'codex_review_helper_installed',
      ok: executable(reviewHelperPath),
      path: reviewHelperPath,
    },
  );
  if (accessError !== null) checks.push({ error: accessError, name: 'tmux_access', ok: false });
  if (session !== null && tmux) {
    const has = run(tmux, ['has-session', '-t', session]);
    const check: Row = {
      name: 'current_tmux_session_live',
      ok: has.status === 0,
      session,
    };
    if (has.status !== 0) check.error = has.stderr.trim() || has.stdout.trim();
    checks.push(check);
  }
  if (workerctl) {
    const classify = run(workerctl, ['classify', '--text', 'conveyor self doctor']);
    checks.push({
      name: 'workerctl_executable',
      ok: classify.status === 0,
      path: workerctl,
    });
  }
  const required = ['workerctl_on_path', 'tmux_on_path', 'inside_tmux', 'current_tmux_session_live'];
  const supported = checks.filter((c) => required.includes(String(c.name))).every((c) => c.ok === true);
  const failed = checks.filter((c) => c.ok !== true).map((c) => String(c.name));
  return {
    checks,
    codex_app_inbox_guidance:
      'Codex app sessions need no tmux: register them without --tmux-session and have them poll their inbox (manager-inbox or worker-inbox --consume-next --wait --json) at the start of each turn.',
    codex_review_helper_path: reviewHelperPath,
    codex_review_skill_path: reviewSkillPath,
    command_context_note:
      'These tmux checks describe the environment that ran doctor-self; a Codex app session proves who it is through its rollout file and the role it registered with (register-manager / register-worker).',
    command_template: REGISTER_WORKER,
    current_session: session,
    follow_up: [
      'A manager Codex session registers itself with `conveyor register-manager --name <MGR_NAME> --pid <MGR_PID> --cwd <CWD>`.',
      'Then create a task and bind the pair: `conveyor tasks --create <TASK> --goal "<goal>"` and `conveyor bind --task <TASK> --worker <NAME> --manager <MGR_NAME>`.',
      'The manager supervises by calling `conveyor cycle <TASK>` again and again and reading its JSON.',
    ],
    ok: supported,
    skill_path: skillPath,
    supported,
    why_or_why_not: supported
      ? 'This Codex session can register itself as a tmux-backed worker via `conveyor register-worker` (see command_template).'
      : `This Codex session cannot register itself as a tmux-backed worker; failed checks: ${failed.join(', ')}. Outside tmux it can still register as a manager with \`conveyor register-manager\`.`,
    workerctl_invocation: workerctl ? 'workerctl' : existsSync(script) ? 'scripts/workerctl' : null,
  };
}
