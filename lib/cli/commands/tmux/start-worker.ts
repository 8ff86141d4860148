import { spawnCommand } from './spawn-command.js';

export default spawnCommand('worker');
