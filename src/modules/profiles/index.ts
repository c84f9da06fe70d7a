// The profiles module's entry: what other modules and faces may use of it.
export { loadCustomFields } from './custom-fields.ts';
export { PROFILE_FIELD_NAMES } from './editable-fields.ts';
export type { ProfilePatch } from './profile-patch.ts';
export { createProfilesService, type ProfilesService, type SearchFacts } from './profiles.service.ts';
export {
  type AdminView,
  type Audience,
  type OwnerView,
  PUBLIC_VIEW_FIELDS,
  type PublicView,
} from './profiles.views.ts';
export { tagKey } from './tags.ts';
