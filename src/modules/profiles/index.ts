// The profiles module's entry: what other modules and faces may use of it.
export { loadCustomFields } from './custom-fields.ts';
export { forgetProfile, syncProfile } from './profile-sync.ts';
export { findProfile, lockProfiles } from './profiles.repository.ts';
export { profilesRoutes } from './profiles.routes.ts';
export { PublicUser, toPublicUser } from './profiles.schemas.ts';
export { createProfilesService, type ProfilesService, type PublicProfileView } from './profiles.service.ts';
export { replaceUserTags } from './tags.repository.ts';
export { tagKey } from './tags.ts';
