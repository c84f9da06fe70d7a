// Two things others must not learn from: the directory's completeness filter
// now reads a public score (only what others can see of a profile counts), and
// unverified sign-ups, purged after ROSTER_UNVERIFIED_TTL, are found by a
// partial index instead of a walk over every account.
import { sql } from 'kysely';
import type { RosterMigration } from './migration.ts';

// The weights of the parts a public view shows, as they were when this
// migration was written (src/modules/profiles/completeness.ts keeps them since).
const PUBLIC_WEIGHTS = {
  name: 15,
  username: 10,
  verified: 10,
  bio: 10,
  headline: 10,
  about: 10,
  location: 5,
  pronouns: 5,
  socials: 10,
} as const;
const PUBLIC_TOTAL = Object.values(PUBLIC_WEIGHTS).reduce((a, b) => a + b, 0);
const BATCH = 500;

export const publicCompleteness: RosterMigration = {
  async up(db) {
    await db.schema
      .alterTable('profiles')
      .addColumn('public_completeness', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await backfill(db);
    // The filter reads the public score only; the full one is shown to its owner alone.
    await db.schema.dropIndex('profiles_completeness_idx').execute();
    await db.schema
      .createIndex('profiles_public_completeness_idx')
      .on('profiles')
      .column('public_completeness')
      .execute();
    await db.schema
      .createIndex('users_unverified_idx')
      .on('users')
      .column('created_at')
      .where((eb) =>
        eb.and([
          eb(sql.ref('email_verified_at'), 'is', null),
          eb(sql.ref('phone_verified_at'), 'is', null),
          eb(sql.ref('status'), '=', 'active'),
        ]),
      )
      .execute();
  },
  async down(db) {
    await db.schema.dropIndex('users_unverified_idx').execute();
    await db.schema.dropIndex('profiles_public_completeness_idx').execute();
    await db.schema.createIndex('profiles_completeness_idx').on('profiles').column('completeness').execute();
    await db.schema.alterTable('profiles').dropColumn('public_completeness').execute();
  },
};

const filled = (v: unknown) => typeof v === 'string' && v !== '';
const anyOf = (json: unknown): boolean => {
  const o = typeof json === 'string' ? (JSON.parse(json) as unknown) : json;
  return o !== null && typeof o === 'object' && Object.values(o).some(filled);
};

// Profiles made before this migration: scored once here, kept by every later write.
async function backfill(db: Parameters<RosterMigration['up']>[0]): Promise<void> {
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('profiles as p')
      .innerJoin('users as u', 'u.id', 'p.user_id')
      .select([
        'p.user_id',
        'p.bio',
        'p.headline',
        'p.about',
        'p.location',
        'p.pronouns',
        'p.socials',
        'u.first_name',
        'u.last_name',
        'u.username',
        'u.email_verified_at',
        'u.phone_verified_at',
      ])
      .where('p.user_id', '>', after)
      .orderBy('p.user_id')
      .limit(BATCH)
      .execute();
    for (const r of rows) {
      const w = PUBLIC_WEIGHTS;
      const sum =
        (filled(r.first_name) && filled(r.last_name) ? w.name : 0) +
        (filled(r.username) ? w.username : 0) +
        (r.email_verified_at !== null || r.phone_verified_at !== null ? w.verified : 0) +
        (filled(r.bio) ? w.bio : 0) +
        (filled(r.headline) ? w.headline : 0) +
        (filled(r.about) ? w.about : 0) +
        (filled(r.location) ? w.location : 0) +
        (filled(r.pronouns) ? w.pronouns : 0) +
        (anyOf(r.socials) ? w.socials : 0);
      const score = Math.round((100 * sum) / PUBLIC_TOTAL);
      if (score > 0)
        await db
          .updateTable('profiles')
          .set({ public_completeness: score })
          .where('user_id', '=', r.user_id)
          .execute();
    }
    if (rows.length < BATCH) return;
    after = rows[rows.length - 1]!.user_id;
  }
}
