import { discoveryCommand } from './discovery.js';

export default discoveryCommand('discover');
