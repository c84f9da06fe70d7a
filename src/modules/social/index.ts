// The social module's entry: what other modules and faces may use of it.
export { acceptAllRequests, forgetSocial, visibleTo } from './social.repository.ts';
export { socialRoutes } from './social.routes.ts';
export { createSocialService } from './social.service.ts';
