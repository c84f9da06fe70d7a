// Addresses are stored as the mailbox a mailer delivers to (punycode domain,
// no trailing dot, NFC). Rows written before that rule are rewritten to it,
// so their owners still sign in and reset by the address they type. A row
// whose rewritten address another account already has is left as it is (two
// spellings of one mailbox: an operator decides), as is one the rule refuses
// (it could never receive mail as stored).
import { parseEmail } from '../../mailer/address.ts';
import type { RosterMigration } from './migration.ts';

export const emailAddresses: RosterMigration = {
  async up(db) {
    const rows = await db
      .selectFrom('users')
      .select(['id', 'email'])
      .where('email', 'is not', null)
      .execute();
    const taken = new Set(rows.map((r) => r.email));
    for (const row of rows) {
      const mailbox = parseEmail(row.email!);
      if (mailbox === null || mailbox === row.email || taken.has(mailbox)) continue;
      await db.updateTable('users').set({ email: mailbox }).where('id', '=', row.id).execute();
      taken.add(mailbox);
    }
  },
  // Nothing to undo: the rewritten addresses are the same mailboxes.
  async down() {},
};
