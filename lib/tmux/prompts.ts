// The first prompts conveyor gives a Codex session it launches. Their wording is ours; the conveyor commands they
// embed are the contract (agents run them verbatim), so those are exact.
import { singleQuote } from './tmux.js';

const WORKER_ACK_EXAMPLE =
  '{"goal_restatement":"Restate the assigned task.","proposed_criteria":{"must_have":["Current-task proof"],"follow_up":[]},"expected_tools":["shell"],"open_questions":[],"ready_to_start":true}';

export interface ManagerPromptInput {
  cwd: string;
  managerName: string;
  /** The task as the user named it, or null when the manager starts unbound. */
  task: string | null;
  taskGoal: string | null;
  workerName: string | null;
  /** When set, the task already has a manager config (its tools, possibly none). */
  configuredTools: string[] | null;
  /** Written into the acknowledgement example (0.1.12 puts the task id there once a config exists). */
  ackTask: string;
  dbPath: string;
}

export function managerBootstrapPrompt(input: ManagerPromptInput): string {
  const task = input.task ?? '<task>';
  const db = ` --path ${singleQuote(input.dbPath)}`;
  const setup =
    input.configuredTools !== null
      ? [
          'Setup:',
          '- This task already has a recorded manager config.',
          `- Begin with \`conveyor cycle ${task}${db}\` and read \`manager_context.manager_config\` in its output.`,
          '- Only ask the user setup questions when that config is missing or does not fit.',
          ...(input.configuredTools.length > 0 ? [`Tools to expect: ${input.configuredTools.join(', ')}.`] : []),
        ]
      : [
          'Setup:',
          `1. Get the setup questions with \`conveyor manager-config ${task} --questions${db}\`.`,
          '2. Put those questions to the user here, in this manager chat.',
          `3. Save the answers with \`conveyor manager-config${db}\`.`,
          '4. Keep `conveyor manager-config --interactive` for a person typing in a terminal.',
        ];
  const ackExample =
    input.configuredTools !== null
      ? {
          task: input.ackTask,
          supervision_contract: 'I supervise through Conveyor and check the criteria before finishing.',
          will_not_edit_project_files: true,
        }
      : {
          task: input.ackTask,
          manager_session: input.managerName,
          supervision_contract: 'I supervise through Conveyor and check the criteria before finishing.',
          will_not_edit_project_files: true,
        };
  return [
    'You are the manager: a Codex session that supervises a worker session through Agent Conveyor.',
    '',
    `Working directory: ${input.cwd}`,
    `Manager session: ${input.managerName}`,
    `Task: ${input.task ?? '<unbound-task>'}`,
    `Task goal: ${input.taskGoal ?? '(not recorded yet; ask the user)'}`,
    `Worker session: ${input.workerName ?? '(none yet)'}`,
    '',
    'You supervise; the worker implements. Do not take over the implementation.',
    '',
    ...setup,
    '',
    'Acknowledgement:',
    `- Before the first cycle, record your supervision contract with \`conveyor manager-ack ${task} --from-stdin${db}\`.`,
    `  For example: ${JSON.stringify(ackExample)}`,
    `- Before nudging or finishing, read the worker's acknowledgement with \`conveyor worker-ack ${task} --json${db}\` when there is one.`,
    '',
    'Supervision loop:',
    `- Observe with \`conveyor cycle ${task}${db}\`.`,
    '- Read `manager_context.manager_config` in the cycle output before you nudge.',
    '- The acceptance criteria are living state: check `manager_context.acceptance_criteria` on every cycle.',
    '- When the work turns up new edge cases, tests or scope questions, ask the worker to propose must-have and follow-up criteria.',
    "- Before finishing, hold the worker's receipts and verification against the accepted open criteria.",
    `- Record each proven criterion with \`conveyor criteria ${task} --satisfy <id> --proof "<proof>" --evidence-json '{"status":"pass","command":"<command>","summary":"<what this proved>"}'${db}\`.`,
    `- Once every accepted criterion is satisfied, deferred or rejected, close with \`conveyor finish-task ${task} --reason "Accepted criteria satisfied" --require-criteria-audit${db}\`.`,
    '- Talk to the worker only through conveyor session and task commands.',
    '- Leave the project files alone unless the user asks this manager to change Agent Conveyor itself.',
  ].join('\n');
}

/** The worker's first prompt in `pair`: the task, then the acknowledgement it owes before starting. */
export function pairWorkerPrompt(taskPrompt: string, task: string, dbPath: string): string {
  return [
    taskPrompt,
    '',
    'Acknowledge the task contract before you edit files or start the implementation:',
    '',
    `conveyor worker-ack ${task} --from-stdin --path ${singleQuote(dbPath)}`,
    '',
    'with a JSON object such as:',
    '',
    WORKER_ACK_EXAMPLE,
    '',
    'When the work is done, reply briefly with the files you changed and the checks you ran. Leave `conveyor finish-task` to the manager: it owns the criteria and the audited close of the task.',
  ].join('\n');
}

/** The contract a legacy worker (`create`) receives: its task, its token and how to report status. */
export function legacyContractPrompt(input: {
  name: string;
  task: string | null;
  identityToken: string;
  statusPath: string;
}): string {
  return [
    'You are a worker Codex session; a manager Codex session supervises you.',
    '',
    'Task:',
    input.task ?? 'No task yet: wait for one from the manager.',
    '',
    'Worker identity token:',
    input.identityToken,
    '',
    'Keep this token as it is: it lets conveyor check that manager commands for a task reach the intended worker.',
    '',
    'Report your status when you start a phase, get blocked, begin a long verification, or finish:',
    '',
    `conveyor update-status ${input.name} \\`,
    '  --state planning \\',
    '  --current-task "short description" \\',
    '  --next-action "short description"',
    '',
    'States: planning, editing, running_tests, blocked, waiting, done, unknown',
    '',
    'When blocked, add --blocker:',
    '',
    `conveyor update-status ${input.name} \\`,
    '  --state blocked \\',
    '  --current-task "short description" \\',
    '  --next-action "wait for direction" \\',
    '  --blocker "what is blocking progress"',
    '',
    'conveyor also writes this file for older tooling:',
    input.statusPath,
    '',
    'Inbox:',
    '- A worker registered without tmux receives manager nudges as pull-required signals; poll for them with:',
    '',
    '  conveyor worker-inbox <task-name> --consume-next --wait --timeout 60 --json',
    '',
    '- Keep polling through the bounded manager loop until nothing is left or the loop reaches max_iterations.',
    '- Treat each consumed item as the next manager instruction, then update your status with conveyor.',
    '',
    'status.json shape:',
    '{',
    '  "state": "planning | editing | running_tests | blocked | waiting | done",',
    '  "current_task": "short description",',
    '  "last_update": "ISO-8601 timestamp",',
    '  "next_action": "short description",',
    '  "blocker": null',
    '}',
    '',
    'No destructive git actions unless the user asks for them. When blocked or unsure, set state blocked and say why.',
  ].join('\n');
}

export interface RawStartPromptInput {
  session: string;
  cwd: string;
  /** The command word for conveyor in the printed commands. */
  conveyor: string;
  passthrough: readonly string[];
}

/** What `start` tells a raw Codex session: it is not registered yet, and the commands that set up a pair. */
export function rawStartCommands(input: RawStartPromptInput) {
  const cwd = singleQuote(input.cwd);
  const extra = input.passthrough.length > 0 ? ` -- ${input.passthrough.map(singleQuote).join(' ')}` : '';
  const c = input.conveyor;
  return {
    register: `${c} register-worker --name <worker-name> --pid <pid> --codex-session <rollout.jsonl> --cwd ${cwd} --tmux-session ${input.session}`,
    startManager: `${c} start-manager --name <manager-name> --cwd ${cwd}${extra}`,
    bind: `${c} bind --task <task-name> --worker <worker-name> --manager <manager-name>`,
    questions: `${c} manager-config <task-name> --questions`,
  };
}

export function rawStartPrompt(input: RawStartPromptInput): string {
  const commands = rawStartCommands(input);
  const c = input.conveyor;
  return [
    `You are a raw worker candidate in the Agent Conveyor tmux session ${input.session}.`,
    '',
    `Working directory: ${input.cwd}`,
    '',
    'This session is not registered as a worker yet. A manager/worker pair is set up with sessions:',
    '',
    '1. Find this Codex process id and its rollout JSONL, then register it as the worker:',
    '',
    `   ${commands.register}`,
    '',
    '2. Create or pick a task:',
    '',
    `   ${c} tasks --create <task-name> --goal "<goal>"`,
    '',
    '3. Start a manager:',
    '',
    `   ${commands.startManager}`,
    '',
    '4. Bind the two sessions:',
    '',
    `   ${commands.bind}`,
    '',
    '5. Set up the manager supervision:',
    '',
    `   ${commands.questions}`,
    '',
    '6. Once the task is bound, and before you edit files for it, record your acknowledgement:',
    '',
    `   ${c} worker-ack <task-name> --from-stdin`,
    '',
    '   For example:',
    `   ${WORKER_ACK_EXAMPLE}`,
    '',
    'You need four values: the worker name, the manager name, the task name and the goal. Ask the user for any that',
    'is missing; do not make them up unless the user asks you to choose.',
    '',
    'To show the user the manager or worker terminal of the task, run:',
    '',
    `${c} open-manager <task-name>`,
    `${c} open-worker <task-name>`,
  ].join('\n');
}
