// A referral counts once the referred account has verified an address or
// number. The invites module keeps that on the referral itself (its
// accountChanged hook), so counting a referrer's referrals reads its own table.
import { sql } from 'kysely';
import type { RosterMigration } from './migration.ts';

export const referralVerification: RosterMigration = {
  async up(db) {
    await db.schema
      .alterTable('referrals')
      .addColumn('verified', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await sql`update referrals set verified = 1 where exists (
      select 1 from users u where u.id = referrals.referred_id
      and (u.email_verified_at is not null or u.phone_verified_at is not null))`.execute(db);
  },
  async down(db) {
    await db.schema.alterTable('referrals').dropColumn('verified').execute();
  },
};
