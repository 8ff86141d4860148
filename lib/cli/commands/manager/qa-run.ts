import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../../../errors.js';
import { parseQaRunScenario, runQaScenario } from '../../../qa/runs.js';
import { openDatabase } from '../../../store/open.js';
import { defineCommand } from '../../command.js';
import { allowOnly } from './options.js';

export default defineCommand({
  name: 'qa-run',
  help: `usage: conveyor qa-run [SCENARIO] --receipt-output FILE [--path <workerctl.db>] [--dispatcher-id ID] [--json]

Scenarios: ralph-loop-guardrails (default), generic-loop-template, test-coverage-loop, build-clear-loop,
adversarial-triggers, generic-loop-template-browser. Each creates its own tasks (qa-<suffix>-<8 hex>) with
disposable no-tmux pairs and loop runs, drives continue_iteration through enqueue, dispatch and evidence,
checks that the gates block and then deliver, and writes the receipt to --receipt-output; artefacts go to
<receipt folder>/<scenario>-artifacts/<8 hex>/. Without --path the drill uses a fresh database under the
system temp folder (left behind for inspection). A failed check exits 2, writes no receipt and removes
the artefacts. No tmux, no network.

generic-loop-template-browser needs a Playwright-driven browser for its screenshot preflight, as in 0.1.12;
this build does not ship that preflight, so the scenario is refused (exit 2) before anything is written.

Examples:
  conveyor qa-run build-clear-loop --receipt-output /tmp/qa/receipt.json --path /tmp/qa/workerctl.db --json
`,
  flags: { 'receipt-output': 'string', 'dispatcher-id': 'string' },
  run(ctx) {
    const { flags } = ctx;
    allowOnly(flags, ['receipt-output', 'dispatcher-id', 'path', 'json'], 1);
    const receipt = flags.requireString('receipt-output', 'qa-run requires --receipt-output.');
    const scenario = parseQaRunScenario(flags.positional(0));
    if (scenario === 'generic-loop-template-browser') {
      throw new UsageError(
        'qa-run generic-loop-template-browser needs a Playwright browser for its screenshot preflight; none is available',
      );
    }
    const hex = randomBytes(4).toString('hex');
    const given = flags.string('path');
    const dbPath =
      given === undefined
        ? join(tmpdir(), `workerctl-qa-run-${globalThis.crypto.randomUUID()}`, 'workerctl.db')
        : resolve(ctx.cwd, given);
    mkdirSync(dirname(dbPath), { recursive: true });
    const db = openDatabase(dbPath, { now: ctx.now });
    try {
      const summary = runQaScenario(
        db,
        {
          scenario,
          receiptPath: resolve(ctx.cwd, receipt),
          dbPath,
          dispatcherId: flags.string('dispatcher-id') ?? `qa-run-${randomBytes(4).toString('hex')}`,
          suffixHex: hex,
        },
        ctx.now,
      );
      if (flags.bool('json')) return { json: summary };
      return { text: `QA run ${summary.scenario}: ${summary.result}\nReceipt: ${summary.receipt_path}` };
    } finally {
      db.close();
    }
  },
});
