import { openCommand } from './open-command.js';

export default openCommand('worker');
