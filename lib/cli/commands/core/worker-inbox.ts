import { inboxCommand } from './inbox-listing.js';

export default inboxCommand('worker-inbox', 'worker');
