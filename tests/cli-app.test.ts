// The app-* commands through the real bin/conveyor: exit codes, refusals, JSON and text, with CONVEYOR_NOW
// moving the clock instead of sleeping.
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli, tempDir, type CliResult } from '../lib/testing.js';

const T0 = '2026-06-11T12:00:00Z';
const T_LATER = '2026-06-11T12:10:00Z'; // 600 s later: every lease from T0 is stale

function setup() {
  const t = tempDir();
  onTestFinished(() => t.cleanup());
  const cli = (args: string[], now = T0) => runCli([...args, '--path', t.dbPath], { now, cwd: t.dir });
  return { ...t, cli };
}

async function pair(
  cli: (args: string[], now?: string) => Promise<CliResult>,
  task = 'app-loop',
  threads = true,
): Promise<void> {
  const flags = threads
    ? [
        '--worker-codex-app-thread-id',
        'thr-w',
        '--worker-codex-app-thread-title',
        'Worker thread',
        '--manager-codex-app-thread-id',
        'thr-m',
        '--manager-codex-app-thread-title',
        'Manager thread',
      ]
    : [];
  const made = await cli(['create-disposable-binding', task, ...flags, '--json']);
  expect(made.code, made.stderr).toBe(0);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI's JSON, read by deep paths and asserted
function json(result: CliResult): Record<string, any> {
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

function expectRefusal(result: CliResult, message: RegExp): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(message);
}

describe('app commands: refusals (exit 2, message on stderr, nothing on stdout)', () => {
  it.each([
    [
      '--thread-id on app-wakeup-dispatch',
      ['app-wakeup-dispatch', 'app-loop', '--thread-id', 'thr-w', '--json'],
      /--thread-id/,
    ],
    [
      '--task instead of the task argument (0.1.12 ignores --task here)',
      ['app-wakeup-dispatch', '--task', 'app-loop'],
      /app-wakeup-dispatch command requires a task\./,
    ],
    [
      '--flag=value (never a flag in 0.1.12)',
      ['app-wakeup-dispatch', 'app-loop', '--stale-after=5'],
      /^Unsupported TypeScript runtime option: --stale-after=5$/m,
    ],
    ['app-heartbeat without --role', ['app-heartbeat', 'app-loop', '--json'], /--role/],
    ['app-heartbeat with --role reviewer', ['app-heartbeat', 'app-loop', '--role', 'reviewer'], /--role/],
    [
      'a negative --stale-after',
      ['app-heartbeat', 'app-loop', '--role', 'worker', '--stale-after', '-1'],
      /--stale-after/,
    ],
    ['a non-numeric --stale-after', ['app-loop-status', 'app-loop', '--stale-after', 'soon'], /--stale-after/],
    [
      'app-heartbeat for an unknown task',
      ['app-heartbeat', 'no-such-task', '--role', 'worker'],
      /Unknown task: no-such-task/,
    ],
    ['app-loop-status for an unknown task', ['app-loop-status', 'no-such-task'], /no-such-task/],
    ['app-loop-status without a task', ['app-loop-status'], /task/],
    ['a second task argument', ['app-wakeup-plan', 'app-loop', 'extra'], /extra/],
    [
      '--dispatcher-id on record-delivery',
      [
        'app-wakeup-record-delivery',
        'app-loop',
        '--role',
        'worker',
        '--dispatch-receipt',
        'x',
        '--delivery-status',
        'skipped',
        '--dispatcher-id',
        'd',
      ],
      /--dispatcher-id/,
    ],
    [
      '--stale-after on record-delivery',
      [
        'app-wakeup-record-delivery',
        'app-loop',
        '--role',
        'worker',
        '--dispatch-receipt',
        'x',
        '--delivery-status',
        'skipped',
        '--stale-after',
        '5',
      ],
      /--stale-after/,
    ],
    [
      'record-delivery with an unknown receipt',
      [
        'app-wakeup-record-delivery',
        'app-loop',
        '--role',
        'worker',
        '--dispatch-receipt',
        'telemetry-nope',
        '--delivery-status',
        'skipped',
      ],
      /telemetry-nope/,
    ],
    ['app-autopilot without an action', ['app-autopilot', '--json'], /action/],
    ['app-autopilot with an unknown action', ['app-autopilot', 'pause', 'app-loop'], /pause/],
    [
      'app-autopilot with a fractional --watch-iterations',
      ['app-autopilot', 'start', 'app-loop', '--watch-iterations', '1.5'],
      /--watch-iterations/,
    ],
    [
      'create-disposable-binding for a task that is already bound',
      ['create-disposable-binding', 'app-loop', '--worker', 'w2', '--manager', 'm2'],
      /already has an active binding/,
    ],
  ])('%s', async (_what, args, message) => {
    const { cli } = setup();
    await pair(cli);
    expectRefusal(await cli(args), message);
  });

  it('accepts and ignores --dry-run and other universal flags, writing as without them (0.1.12)', async () => {
    const { cli } = setup();
    await pair(cli);
    const receipts = async () =>
      json(await cli(['telemetry', '--task', 'app-loop', '--event-type', 'app_wakeup_dispatch_planned', '--json']));
    const dispatched = json(
      await cli(['app-wakeup-dispatch', 'app-loop', '--dry-run', '--limit', '3', '--all', '--json']),
    );
    expect(dispatched.receipt.event_type).toBe('app_wakeup_dispatch_planned');
    expect((await cli(['app-wakeup-dispatch', 'app-loop', '--dry-run'])).code).toBe(0);
    expect(await receipts()).toHaveLength(2);
    const beat = await cli(['app-heartbeat', 'app-loop', '--role', 'worker', '--dry-run', '--json']);
    expect(beat.code, beat.stderr).toBe(0);
    const events = json(await cli(['telemetry', '--task', 'app-loop', '--event-type', 'app_heartbeat', '--json']));
    expect(events).toHaveLength(1);
    expect((await cli(['app-loop-status', 'app-loop', '--dry-run', '--name', 'x', '--json'])).code).toBe(0);
    expect((await cli(['app-autopilot', 'start', 'app-loop', '--dry-run', '--json'])).code).toBe(0);
  });

  it('refuses the loop commands on a finished task', async () => {
    const { cli } = setup();
    await pair(cli);
    expect((await cli(['finish-task', 'app-loop', '--reason', 'done'])).code).toBe(0);
    expectRefusal(await cli(['app-loop-status', 'app-loop', '--json']), /No active binding for task: app-loop/);
    expectRefusal(
      await cli(['app-heartbeat', 'app-loop', '--role', 'worker', '--json']),
      /No active bound worker session/,
    );
    expectRefusal(await cli(['app-wakeup-dispatch', 'app-loop']), /No active binding/);
    expectRefusal(await cli(['app-autopilot', 'start', 'app-loop']), /No active binding/);
  });
});

describe('app commands: a loop going stale and being woken', () => {
  it('heartbeat, status, plan, dispatch, delivery and autopilot agree on the same leases', async () => {
    const { cli, dbPath } = setup();
    await pair(cli);

    const heartbeat = json(await cli(['app-heartbeat', 'app-loop', '--role', 'worker', '--json'], T0));
    expect(heartbeat.heartbeat).toEqual({ recorded_at: T0, state: 'recorded' });
    expect(heartbeat.status.worker.lease).toMatchObject({ age_seconds: 0, state: 'healthy' });

    const staleAfter180 = json(await cli(['app-loop-status', 'app-loop', '--json'], '2026-06-11T12:03:00Z'));
    expect(staleAfter180.worker.lease).toMatchObject({ age_seconds: 180, state: 'healthy' });
    const stale = json(await cli(['app-loop-status', 'app-loop', '--json'], '2026-06-11T12:03:01Z'));
    expect(stale.worker.lease).toMatchObject({ age_seconds: 181, state: 'stale' });
    expect(stale.next_actions.map((a: { kind: string }) => a.kind)).toEqual([
      'start_dispatch',
      'wake_manager',
      'wake_worker',
    ]);

    const text = await cli(['app-loop-status', 'app-loop'], T_LATER);
    expect(text.stdout).toBe(
      [
        'App loop app-loop: attention required',
        'Dispatch dispatch-local: missing',
        'Manager app-loop-manager: stale',
        'Worker app-loop-worker: stale',
        'Next: start_dispatch - Dispatcher dispatch-local is missing.',
        'Next: wake_manager - Manager heartbeat is stale.',
        'Next: wake_worker - Worker heartbeat is stale.',
        '',
      ].join('\n'),
    );

    const plan = json(await cli(['app-wakeup-plan', 'app-loop', '--json'], T_LATER));
    expect(plan.wakeups.map((w: { role: string }) => w.role)).toEqual(['manager', 'worker']);

    // One role healthy again: the dispatch readies the other.
    json(await cli(['app-heartbeat', 'app-loop', '--role', 'manager', '--json'], T_LATER));
    const dispatchText = await cli(['app-wakeup-dispatch', 'app-loop'], T_LATER);
    expect(dispatchText.code).toBe(0);
    const receiptId = /^Receipt: app_wakeup_dispatch_planned (\S+)$/m.exec(dispatchText.stdout)?.[1];
    expect(receiptId).toMatch(/^telemetry-/);
    expect(dispatchText.stdout).toContain('worker: ready_to_send - worker heartbeat is stale.');
    expect(dispatchText.stdout).toContain('Thread: Worker thread thr-w');

    const sent = json(
      await cli(
        [
          'app-wakeup-record-delivery',
          'app-loop',
          '--role',
          'worker',
          '--dispatch-receipt',
          receiptId!,
          '--delivery-status',
          'sent',
          '--thread-id',
          'thr-w',
          '--reason',
          'ok',
          '--json',
        ],
        T_LATER,
      ),
    );
    expect(sent.delivery).toMatchObject({
      status: 'sent',
      source_action_status: 'ready_to_send',
      thread_id: 'thr-w',
      reason: 'ok',
    });
    expect(sent.source.dispatcher.command).toBe(
      `conveyor dispatch --watch --dispatcher-id 'dispatch-local' --path '${dbPath}'`,
    );
    const again = await cli(
      [
        'app-wakeup-record-delivery',
        'app-loop',
        '--role',
        'worker',
        '--dispatch-receipt',
        receiptId!,
        '--delivery-status',
        'sent',
        '--thread-id',
        'thr-w',
      ],
      T_LATER,
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /^App wakeup delivery sent recorded for worker on app-loop\.\nSource receipt: telemetry-\S+\nReceipt: telemetry-\S+\n/,
    );
    expectRefusal(
      await cli(
        [
          'app-wakeup-record-delivery',
          'app-loop',
          '--role',
          'manager',
          '--dispatch-receipt',
          receiptId!,
          '--delivery-status',
          'sent',
          '--thread-id',
          'thr-m',
        ],
        T_LATER,
      ),
      /skipped_healthy/,
    );

    const started = json(
      await cli(
        ['app-autopilot', 'start', 'app-loop', '--interval', '2.5', '--watch-iterations', '7', '--json'],
        T_LATER,
      ),
    );
    expect(started.plan.control.dispatcher_command).toContain('--watch-iterations 7 --interval 2.5');
    const status = await cli(['app-autopilot', 'status', 'app-loop'], T_LATER);
    expect(status.stdout).toMatch(/^App autopilot status for app-loop: active\n/);
    expect(status.stdout).toContain(`Last policy: app_autopilot_started ${started.receipt.event_id}`);
  });

  it('prints the usage of app-autopilot with runnable-looking examples', async () => {
    const help = await runCli(['app-autopilot', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: conveyor app-autopilot start\|stop\|status <task>/);
    expect(help.stdout).toContain('conveyor app-autopilot stop dogfood --path /tmp/work/workerctl.db --json');
  });
});
