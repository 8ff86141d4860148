// Every `conveyor …` command the app layer prints (bootstrap recommendations, loop status, wake plans and
// dispatches, heartbeat results, autopilot controls and prompts, delivery templates with their placeholders
// filled) must run as printed: each one goes through a real shell to bin/conveyor against the same database
// and exits 0. The database lives in a folder whose name holds a space and a quote, to exercise the quoting.
import { mkdirSync, symlinkSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { CONVEYOR_BIN, tempDir } from '../lib/testing.js';

const T0 = '2026-06-11T12:00:00Z';
const T1 = '2026-06-11T13:00:00Z'; // an hour later: every lease from T0 is stale

interface ShellResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `conveyor …` commands in a text: a whole line, or after a label colon or an opening parenthesis. */
function embeddedCommands(text: string): string[] {
  const found: string[] = [];
  for (const line of text.split('\n')) {
    const match = /(?:^\s*|:\s+|\()(conveyor [a-z][^\n]*)$/.exec(line);
    if (match?.[1]) found.push(match[1].replace(/\)$/, ''));
  }
  return found;
}

it('runs every generated command as printed, with exit 0', async () => {
  const t = tempDir();
  onTestFinished(() => t.cleanup());
  const home = join(t.dir, "o'neil dir");
  const bin = join(t.dir, 'bin');
  mkdirSync(home, { recursive: true });
  mkdirSync(bin);
  symlinkSync(CONVEYOR_BIN, join(bin, 'conveyor'));
  const dbPath = join(home, 'workerctl.db');

  const sh = (command: string, now: string) =>
    new Promise<ShellResult>((resolve) => {
      const env = { ...process.env, CONVEYOR_NOW: now, PATH: `${bin}:${process.env.PATH ?? ''}` };
      execFile('/bin/sh', ['-c', command], { env, cwd: t.dir }, (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  const conveyor = async (args: string, now: string) => {
    const result = await sh(`conveyor ${args} --path '${dbPath.replace(/'/g, `'"'"'`)}'`, now);
    expect(result.code, `${args}\n${result.stderr}`).toBe(0);
    return result;
  };

  const generated = new Set<string>();
  const ran = new Set<string>();
  const collect = (...commands: string[]) => commands.forEach((c) => generated.add(c));
  const collectText = (text: string) => collect(...embeddedCommands(text));

  /** Runs a generated command; long-running or waiting ones are first given something finite to do. */
  async function run(command: string, now: string): Promise<ShellResult> {
    let line = command;
    if (/^conveyor dispatch --watch /.test(command) && !command.includes('--watch-iterations'))
      line = `${command} --watch-iterations 1 --interval 0`;
    const inbox = /^conveyor (worker|manager)-inbox '([^']+)'/.exec(command);
    if (inbox) {
      // Queue one item so that --wait returns at once instead of waiting out its timeout.
      const enqueue = inbox[1] === 'worker' ? 'enqueue-nudge-worker' : 'enqueue-notify-manager';
      await conveyor(`${enqueue} '${inbox[2]}' --message 'generated-commands test'`, now);
      await conveyor('dispatch --once', now);
    }
    const result = await sh(line, now);
    expect(result.code, `${line}\n${result.stderr}`).toBe(0);
    ran.add(command);
    return result;
  }
  const runJson = async (command: string, now: string) => JSON.parse((await run(command, now)).stdout);

  // Bootstrap: one pair with app threads, one without.
  const loop = JSON.parse(
    (
      await conveyor(
        'create-disposable-binding gen-loop --worker-codex-app-thread-id thr-w --manager-codex-app-thread-id thr-m --json',
        T0,
      )
    ).stdout,
  );
  const bare = JSON.parse((await conveyor('create-disposable-binding gen-bare --json', T0)).stdout);
  const hb = loop.heartbeat_recommendations;
  collect(
    hb.manager.poll_command,
    hb.worker.poll_command,
    hb.manager.direct_inbox_command,
    hb.worker.direct_inbox_command,
  );
  collect(
    hb.status_command,
    hb.wakeup_plan_command,
    hb.wakeup_dispatch_command,
    hb.teardown_policy.terminal_closeout_command,
  );
  collect(
    loop.worker.communication.poll_command,
    loop.manager.communication.poll_command,
    bare.heartbeat_recommendations.wakeup_dispatch_command,
  );
  collectText(hb.manager.prompt);
  collectText(hb.worker.prompt);
  collectText(loop.worker_handoff);
  const isTemplate = (c: string) => c.includes('<receipt.event_id>');
  const templates = hb.delivery_receipt_commands;

  // Everything stale an hour later: status, plan and dispatch say what to run.
  const status = await runJson(hb.status_command, T1);
  collect(
    status.manager.poll_command,
    status.worker.poll_command,
    status.manager.direct_inbox_command,
    status.worker.direct_inbox_command,
  );
  status.next_actions.forEach((a: { prompt: string }) => collectText(a.prompt));
  const plan = await runJson(hb.wakeup_plan_command, T1);
  collect(plan.dispatcher.command);
  plan.wakeups.forEach((w: { prompt: string }) => collectText(w.prompt));
  collectText((await sh(`conveyor app-wakeup-plan gen-loop --path '${dbPath.replace(/'/g, `'"'"'`)}'`, T1)).stdout);

  const ready = await runJson(hb.wakeup_dispatch_command, T1);
  expect(ready.summary.ready_to_send).toBe(2);
  collect(ready.dispatcher.command);
  for (const action of ready.actions) {
    collectText(action.prompt);
    const sent = templates.sent
      .replace('<role>', action.role)
      .replace('<receipt.event_id>', ready.receipt.event_id)
      .replace('<action.thread.id>', action.thread.id);
    collect(sent);
    await run(sent, T1);
  }

  // The manager checks in; the next dispatch skips it.
  const beat = await runJson(hb.manager.poll_command, T1);
  collect(beat.next.poll_command, beat.next.direct_inbox_command);
  const skippedRound = await runJson(hb.wakeup_dispatch_command, T1);
  expect(skippedRound.actions[0].status).toBe('skipped_healthy');
  const skipped = templates.skipped
    .replace('<role>', 'manager')
    .replace('<receipt.event_id>', skippedRound.receipt.event_id);
  collect(skipped);
  await run(skipped, T1);

  // The pair without threads: both actions blocked.
  const blockedRound = await runJson(bare.heartbeat_recommendations.wakeup_dispatch_command, T1);
  expect(blockedRound.summary.blocked).toBe(2);
  for (const role of ['manager', 'worker']) {
    const blocked = bare.heartbeat_recommendations.delivery_receipt_commands.blocked
      .replace('<role>', role)
      .replace('<receipt.event_id>', blockedRound.receipt.event_id);
    collect(blocked);
    await run(blocked, T1);
  }

  // Autopilot controls and automation prompts.
  const autopilot = JSON.parse(
    (await conveyor('app-autopilot start gen-loop --watch-iterations 1 --interval 0 --json', T1)).stdout,
  );
  const control = autopilot.plan.control;
  collect(control.dispatcher_command, control.status_command, control.wakeup_dispatch_command, control.stop_command);
  autopilot.plan.automation_specs.forEach((s: { prompt: string }) => collectText(s.prompt));
  await run(control.dispatcher_command, T1);
  await run(control.status_command, T1);
  await run(control.wakeup_dispatch_command, T1);
  await run(control.stop_command, T1);

  // Everything else that was printed, the closeout last (it finishes the task).
  const closeout = hb.teardown_policy.terminal_closeout_command;
  for (const command of [...generated].filter((c) => !ran.has(c) && c !== closeout && !isTemplate(c)))
    await run(command, T1);
  await run(closeout, T1);

  const notRun = [...generated].filter((c) => !ran.has(c) && !isTemplate(c));
  expect(notRun).toEqual([]);
  // Distinct commands, by subcommand: all of them were produced and run.
  const subcommands = new Set([...ran].map((c) => c.split(' ')[1]));
  expect([...subcommands].sort()).toEqual([
    'app-autopilot',
    'app-heartbeat',
    'app-loop-status',
    'app-wakeup-dispatch',
    'app-wakeup-plan',
    'app-wakeup-record-delivery',
    'dispatch',
    'finish-task',
    'manager-inbox',
    'worker-inbox',
  ]);
  // The prompts embed the same three delivery templates the recommendations list.
  expect([...generated].filter(isTemplate).sort()).toEqual(
    [templates.blocked, templates.sent, templates.skipped].sort(),
  );
});
