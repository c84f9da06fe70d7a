// The social module's entry: what other modules and faces may use of it.
export type { ListKey } from './social.repository.ts';
export { hiddenFrom, visibleTo } from './social.repository.ts';
export { createSocialService, type ListItem, type ListPage, type SocialService } from './social.service.ts';
