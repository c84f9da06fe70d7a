// The tables as the application sees them. Each module declares its tables in
// its own `*.table.ts`; this interface gathers them for Kysely.
import type { UsersTable } from '../../modules/accounts/accounts.table.ts';
import type { AuditEventsTable } from '../../modules/audit/audit.table.ts';
import type { CredentialsTable } from '../../modules/credentials/credentials.table.ts';
import type { UserSearchTable } from '../../modules/directory/directory.table.ts';
import type {
  InviteCodesTable,
  ReferralCodesTable,
  ReferralsTable,
} from '../../modules/invites/invites.table.ts';
import type { MfaChallengesTable, MfaFactorsTable, RecoveryCodesTable } from '../../modules/mfa/mfa.table.ts';
import type { OneTimeCodesTable } from '../../modules/otp/otp.table.ts';
import type { PhoneNetworksTable } from '../../modules/phone/phone.table.ts';
import type { ProfilesTable, TagsTable, UserTagsTable } from '../../modules/profiles/profiles.table.ts';
import type { SecurityChangesTable } from '../../modules/security-changes/security-changes.table.ts';
import type {
  ApiKeysTable,
  RefreshTokensTable,
  SessionsTable,
  SigningKeysTable,
} from '../../modules/sessions/sessions.table.ts';
import type { BlocksTable, BookmarksTable, FollowsTable } from '../../modules/social/social.table.ts';
import type { OutboxMessagesTable } from '../outbox/outbox.table.ts';

export interface Tables {
  outbox_messages: OutboxMessagesTable;
  users: UsersTable;
  credentials: CredentialsTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  one_time_codes: OneTimeCodesTable;
  signing_keys: SigningKeysTable;
  audit_events: AuditEventsTable;
  api_keys: ApiKeysTable;
  mfa_factors: MfaFactorsTable;
  recovery_codes: RecoveryCodesTable;
  mfa_challenges: MfaChallengesTable;
  profiles: ProfilesTable;
  tags: TagsTable;
  user_tags: UserTagsTable;
  user_search: UserSearchTable;
  follows: FollowsTable;
  blocks: BlocksTable;
  bookmarks: BookmarksTable;
  invite_codes: InviteCodesTable;
  referral_codes: ReferralCodesTable;
  referrals: ReferralsTable;
  security_changes: SecurityChangesTable;
  phone_networks: PhoneNetworksTable;
}
