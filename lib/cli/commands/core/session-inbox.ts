import { inboxCommand } from './inbox-listing.js';

export default inboxCommand('session-inbox', 'session');
