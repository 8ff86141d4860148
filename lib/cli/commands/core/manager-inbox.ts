import { inboxCommand } from './inbox-listing.js';

export default inboxCommand('manager-inbox', 'manager');
