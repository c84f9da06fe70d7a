// The phone module's entry: what other modules and faces may use of it.
export { createPhoneService, type LinkOptions, type PhoneService } from './phone.service.ts';
