import { enqueueCommandDef } from './command-enqueueing.js';

export default enqueueCommandDef({
  name: 'enqueue-continue-iteration',
  type: 'continue_iteration',
  direction: 'manager to worker, gated by the loop policy',
  inbox: 'worker-inbox',
});
