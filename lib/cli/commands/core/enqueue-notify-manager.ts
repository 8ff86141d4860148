import { enqueueCommandDef } from './command-enqueueing.js';

export default enqueueCommandDef({
  name: 'enqueue-notify-manager',
  type: 'notify_manager',
  direction: 'worker to manager',
  inbox: 'manager-inbox',
});
