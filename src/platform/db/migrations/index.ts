// Every migration, in order. Names are permanent: never rename or reorder.
import { outbox } from './0001-outbox.ts';
import { identity } from './0002-identity.ts';
import { apiKeys } from './0003-api-keys.ts';
import { mfaPhone } from './0004-mfa-phone.ts';
import { profiles } from './0005-profiles.ts';
import { tags } from './0006-tags.ts';
import { directory } from './0007-directory.ts';
import { social } from './0008-social.ts';
import { invites } from './0009-invites.ts';
import { publicCompleteness } from './0010-public-completeness.ts';
import { securityChanges } from './0011-security-changes.ts';
import { emailAddresses } from './0012-email-addresses.ts';
import { phoneNetworks } from './0013-phone-networks.ts';
import { directoryReadModel } from './0014-directory-read-model.ts';
import { referralVerification } from './0015-referral-verification.ts';
import { media } from './0016-media.ts';
import { reports } from './0017-reports.ts';
import { activity } from './0018-activity.ts';
import { standing } from './0019-standing.ts';
import { achievements } from './0020-achievements.ts';
import { presence } from './0021-presence.ts';
import { tagTimes } from './0022-tag-times.ts';
import { directoryCounts } from './0023-directory-counts.ts';
import { directoryGrams } from './0024-directory-grams.ts';
import { searchTagKeys } from './0025-search-tag-keys.ts';
import { exactTextIndex } from './0026-exact-text-index.ts';
import { oauthClients } from './0027-oauth-clients.ts';
import { oauthStore } from './0028-oauth-store.ts';
import { sessionClientIndex } from './0029-session-client-index.ts';
import { profileIdentity } from './0030-profile-identity.ts';
import { subscriptionRestriction } from './0031-subscription-restriction.ts';
import type { RosterMigration } from './migration.ts';

export const migrations: ReadonlyArray<readonly [name: string, migration: RosterMigration]> = [
  ['0001-outbox', outbox],
  ['0002-identity', identity],
  ['0003-api-keys', apiKeys],
  ['0004-mfa-phone', mfaPhone],
  ['0005-profiles', profiles],
  ['0006-tags', tags],
  ['0007-directory', directory],
  ['0008-social', social],
  ['0009-invites', invites],
  ['0010-public-completeness', publicCompleteness],
  ['0011-security-changes', securityChanges],
  ['0012-email-addresses', emailAddresses],
  ['0013-phone-networks', phoneNetworks],
  ['0014-directory-read-model', directoryReadModel],
  ['0015-referral-verification', referralVerification],
  ['0016-media', media],
  ['0017-reports', reports],
  ['0018-activity', activity],
  ['0019-standing', standing],
  ['0020-achievements', achievements],
  ['0021-presence', presence],
  ['0022-tag-times', tagTimes],
  ['0023-directory-counts', directoryCounts],
  ['0024-directory-grams', directoryGrams],
  ['0025-search-tag-keys', searchTagKeys],
  ['0026-exact-text-index', exactTextIndex],
  ['0027-oauth-clients', oauthClients],
  ['0028-oauth-store', oauthStore],
  ['0029-session-client-index', sessionClientIndex],
  ['0030-profile-identity', profileIdentity],
  ['0031-subscription-restriction', subscriptionRestriction],
];
