import { createCommand } from './create-command.js';

export default createCommand(false);
