import { registrationCommand } from './session-registration.js';

export default registrationCommand('worker');
