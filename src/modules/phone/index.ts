// The phone module's entry: what other modules and faces may use of it.
export { phoneRoutes } from './phone.routes.ts';
export { createPhoneService } from './phone.service.ts';
