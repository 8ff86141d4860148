import { ackCommand } from './contract-acks.js';

export default ackCommand('worker');
