import type { Executor } from '../../platform/db/executor.ts';

// Type aliases, not interfaces: they must fit Record<string, string | null>.
export type Contact = {
  country: string | null;
  state: string | null;
  city: string | null;
  address: string | null;
};
export type Socials = {
  github: string | null;
  twitter: string | null;
  linkedin: string | null;
  website: string | null;
};

export interface Profile {
  displayName: string | null;
  bio: string | null;
  pronouns: string | null;
  locale: string | null;
  timezone: string | null;
  location: string | null;
  headline: string | null;
  about: string | null;
  availability: string | null;
  contact: Contact;
  socials: Socials;
  isPrivate: boolean;
  completeness: number;
}

export const EMPTY_CONTACT: Contact = { country: null, state: null, city: null, address: null };
export const EMPTY_SOCIALS: Socials = { github: null, twitter: null, linkedin: null, website: null };

export const emptyProfile = (): Profile => ({
  displayName: null,
  bio: null,
  pronouns: null,
  locale: null,
  timezone: null,
  location: null,
  headline: null,
  about: null,
  availability: null,
  contact: { ...EMPTY_CONTACT },
  socials: { ...EMPTY_SOCIALS },
  isPrivate: false,
  completeness: 0,
});

export async function findProfile(db: Executor, userId: string): Promise<Profile | null> {
  const r = await db.selectFrom('profiles').selectAll().where('user_id', '=', userId).executeTakeFirst();
  if (!r) return null;
  return {
    displayName: r.display_name,
    bio: r.bio,
    pronouns: r.pronouns,
    locale: r.locale,
    timezone: r.timezone,
    location: r.location,
    headline: r.headline,
    about: r.about,
    availability: r.availability,
    contact: { ...EMPTY_CONTACT, ...(r.contact ? (JSON.parse(r.contact) as Partial<Contact>) : {}) },
    socials: { ...EMPTY_SOCIALS, ...(r.socials ? (JSON.parse(r.socials) as Partial<Socials>) : {}) },
    isPrivate: Boolean(r.is_private),
    completeness: Number(r.completeness),
  };
}

export async function upsertProfile(db: Executor, userId: string, p: Profile, now: string): Promise<void> {
  const row = {
    display_name: p.displayName,
    bio: p.bio,
    pronouns: p.pronouns,
    locale: p.locale,
    timezone: p.timezone,
    location: p.location,
    headline: p.headline,
    about: p.about,
    availability: p.availability,
    contact: JSON.stringify(p.contact),
    socials: JSON.stringify(p.socials),
    is_private: p.isPrivate,
    completeness: p.completeness,
    updated_at: now,
  };
  await db
    .insertInto('profiles')
    .values({ user_id: userId, ...row })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(row))
    .execute();
}

export async function updateNames(
  db: Executor,
  userId: string,
  names: { firstName: string | null; lastName: string | null; username: string | null },
  now: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({
      first_name: names.firstName,
      last_name: names.lastName,
      username: names.username,
      updated_at: now,
    })
    .where('id', '=', userId)
    .execute();
}

export async function deleteProfile(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('profiles').where('user_id', '=', userId).execute();
}
