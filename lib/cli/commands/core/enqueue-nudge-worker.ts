import { enqueueCommandDef } from './command-enqueueing.js';

export default enqueueCommandDef({
  name: 'enqueue-nudge-worker',
  type: 'nudge_worker',
  direction: 'manager to worker',
  inbox: 'worker-inbox',
});
