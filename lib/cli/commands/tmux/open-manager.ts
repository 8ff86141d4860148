import { openCommand } from './open-command.js';

export default openCommand('manager');
