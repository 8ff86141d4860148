import { DELIVERY_REASON, THREAD_ID } from '../../../app-loop/app-input.js';
import { recordDelivery } from '../../../app-loop/delivery.js';
import { checkText } from '../../../input-rules.js';
import { defineCommand } from '../../command.js';
import { ignoreUniversalFlags, requireTaskArgument } from './loop-flags.js';

export default defineCommand({
  name: 'app-wakeup-record-delivery',
  help: `usage: conveyor app-wakeup-record-delivery <task> --role manager|worker --dispatch-receipt ID
         --delivery-status sent|skipped|blocked [--thread-id ID] [--reason TEXT] [--path <workerctl.db>] [--json]

Checked against the receipt only: sent needs a ready_to_send action with send_ready=true and the same
--thread-id; skipped needs skipped_healthy; blocked needs blocked_missing_thread. Recording the same
delivery twice is allowed (each call adds an audit row).

Universal flags (--dry-run, --limit, --task, ...) are accepted and ignored, as in agent-conveyor 0.1.12:
the delivery is still recorded.

Examples:
  conveyor app-wakeup-record-delivery my-task --role worker --dispatch-receipt telemetry-… --delivery-status sent --thread-id thr-1 --path /tmp/work/workerctl.db --json
  conveyor app-wakeup-record-delivery my-task --role manager --dispatch-receipt telemetry-… --delivery-status skipped --path /tmp/work/workerctl.db
`,
  flags: { 'dispatch-receipt': 'string', 'delivery-status': 'string', 'thread-id': 'string', reason: 'string' },
  run(ctx) {
    const { flags } = ctx;
    ignoreUniversalFlags(flags);
    const task = requireTaskArgument(flags);
    const threadId = checkText('thread-id', flags.string('thread-id'), THREAD_ID, 'app-wakeup-record-delivery: ');
    const reason = checkText('reason', flags.string('reason'), DELIVERY_REASON, 'app-wakeup-record-delivery: ');
    const result = recordDelivery(
      ctx.db(),
      {
        task,
        role: flags.string('role'),
        dispatchReceipt: flags.string('dispatch-receipt'),
        deliveryStatus: flags.string('delivery-status'),
        threadId,
        reason,
      },
      ctx.now(),
    );
    if (flags.bool('json')) return { json: result };
    return {
      text: [
        `App wakeup delivery ${result.delivery.status} recorded for ${result.delivery.role} on ${result.task.name}.`,
        `Source receipt: ${result.source.dispatch_receipt}`,
        `Receipt: ${result.receipt.event_id}`,
        result.source.dispatch_required
          ? 'The source receipt still asked for a dispatcher.'
          : 'The dispatcher was healthy in the source receipt.',
      ].join('\n'),
    };
  },
});
