// The phone module's entry: what other modules and faces may use of it.
export { createPhoneService } from './phone.service.ts';
