import { UsageError } from '../../../errors.js';
import { addLoopEvidence, parseEvidenceSource, recordVisualDiff } from '../../../loops/evidence.js';
import { defineCommand } from '../../command.js';
import { integerFlag, jsonObjectFlag, refuseFlags } from './options.js';

const ACTIONS: Readonly<Record<string, 'add' | 'adversarial-check' | 'visual-diff'>> = {
  add: 'add',
  'adversarial-check': 'adversarial-check',
  adversarial_check: 'adversarial-check',
  'visual-diff': 'visual-diff',
  visual_diff: 'visual-diff',
};

export default defineCommand({
  name: 'loop-evidence',
  help: `usage: conveyor loop-evidence add <task> --loop-run RUN --evidence-type TYPE [--iteration N] [--status S]
                [--proof T] [--artifact-path P] [--correlation-id ID] [--metadata-json OBJ] [--source SRC] [--path <workerctl.db>]
       conveyor loop-evidence adversarial-check <task> --loop-run RUN --failure-mode T --check T --result T
                [--iteration N] [--status S] [--artifact-path P] [--correlation-id ID] [--source SRC] [--path <workerctl.db>]
       conveyor loop-evidence visual-diff <task> --loop-run RUN --reference PNG --candidate PNG --threshold X
                [--diff-output PNG] [--report-output JSON] [--iteration N] [--correlation-id ID] [--source SRC] [--path <workerctl.db>]

Each piece of evidence is the acceptance criterion "Ralph loop <run id> iteration <n> <type> evidence":
satisfied when --status (default pass) is green/ok/pass/passed/satisfied/success/succeeded, else rejected;
an existing criterion with that text is updated (evidence replaced, proof kept unless given). The
continue_iteration gate reads these before it lets the worker have another iteration. --iteration
defaults to 1 and is not compared with the run's max_iterations. Action spellings with _ work too.
visual-diff compares two 8-bit RGB/RGBA PNGs of equal size (a pixel differs when any channel does), writes
--diff-output (changed pixels red) and --report-output, and records visual_diff_report and
diff_below_threshold (score <= threshold). Always prints JSON; --dry-run is refused.

0.1.12 behaviours kept on purpose: the task is looked up without ordering, so of two tasks with one name
the oldest is used; visual-diff writes its diff and report files before it checks --iteration, so
--iteration 0 fails after the files exist.

Examples:
  conveyor loop-evidence add my-task --loop-run loop-build --evidence-type build_passed --path /tmp/work/workerctl.db
  conveyor loop-evidence adversarial-check my-task --loop-run loop-build --failure-mode 'stale cache' --check 'curl twice' --result 'served fresh' --path /tmp/work/workerctl.db
  conveyor loop-evidence visual-diff my-task --loop-run loop-ux --reference ref.png --candidate shot.png --threshold 0.01 --report-output out/report.json --path /tmp/work/workerctl.db
`,
  flags: {
    'loop-run': 'string',
    iteration: 'string',
    'evidence-type': 'string',
    'artifact-path': 'string',
    'failure-mode': 'string',
    check: 'string',
    result: 'string',
    threshold: 'string',
    reference: 'string',
    candidate: 'string',
    'diff-output': 'string',
    'report-output': 'string',
    status: 'string',
    proof: 'string',
    source: 'string',
    'metadata-json': 'string',
    'correlation-id': 'string',
  },
  run(ctx) {
    const { flags } = ctx;
    refuseFlags(flags, ['dry-run']);
    const word = flags.positional(0);
    if (word === undefined)
      throw new UsageError('loop-evidence requires an action: add, visual-diff, or adversarial-check.');
    const action = Object.hasOwn(ACTIONS, word) ? ACTIONS[word] : undefined;
    if (action === undefined) throw new UsageError(`Unsupported loop-evidence action: ${word}`);
    const task = flags.positional(1);
    if (task === undefined) throw new UsageError('loop-evidence command requires a task.');
    flags.maxPositionals(2);
    const loopRun = flags.requireString('loop-run', '--loop-run is required.');
    const source = parseEvidenceSource(flags.string('source'));
    const common = {
      task,
      loopRun,
      source,
      artifactPath: flags.string('artifact-path'),
      correlationId: flags.string('correlation-id'),
    };
    // Checked before the database is opened: a refused value leaves no file behind.
    const iteration = integerFlag(flags, 'iteration');
    const metadataFlag = action === 'visual-diff' ? {} : jsonObjectFlag(flags, 'metadata-json');
    const db = ctx.db();
    if (action === 'visual-diff') {
      if (flags.has('status')) throw new UsageError('loop-evidence visual-diff does not support --status.');
      const [reference, candidate, thresholdText] = [
        flags.string('reference'),
        flags.string('candidate'),
        flags.string('threshold'),
      ];
      if (reference === undefined || candidate === undefined || thresholdText === undefined) {
        throw new UsageError('loop-evidence visual-diff requires --reference, --candidate, and --threshold.');
      }
      const threshold = thresholdText.trim() === '' ? Number.NaN : Number(thresholdText);
      if (!Number.isFinite(threshold)) throw new UsageError('--threshold must be a number.');
      const result = recordVisualDiff(
        db,
        {
          ...common,
          reference,
          candidate,
          threshold,
          iteration,
          diffOutput: flags.string('diff-output'),
          reportOutput: flags.string('report-output'),
          cwd: ctx.cwd,
        },
        ctx.now(),
      );
      return { json: result };
    }
    let evidenceType: string;
    let metadata: Record<string, unknown>;
    if (action === 'add') {
      evidenceType = flags.requireString('evidence-type', '--evidence-type is required.');
      metadata = metadataFlag;
    } else {
      evidenceType = 'adversarial_check';
      metadata = { ...metadataFlag };
      for (const [key, flag] of [
        ['failure_mode', 'failure-mode'],
        ['check', 'check'],
        ['result', 'result'],
      ] as const) {
        const value = flags.string(flag);
        if (value !== undefined) metadata[key] = value;
        else if (!(key in metadata)) throw new UsageError(`--${flag} must be non-empty`);
      }
    }
    const result = addLoopEvidence(
      db,
      { ...common, evidenceType, iteration, metadata, status: flags.string('status'), proof: flags.string('proof') },
      ctx.now(),
    );
    return { json: result };
  },
});
