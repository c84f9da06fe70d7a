// Profile completeness, 0–100: the sum of the weights of the parts filled in.
// The weights are documented in the README ("Profile completeness"). Others
// see a public score: only the parts a public view shows count, scaled to
// 0–100, so the score cannot tell them whether the private parts are filled.
export interface CompletenessInput {
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly username: string | null;
  readonly emailVerified: boolean;
  /** A verified address or number: true of every account others can see at all. */
  readonly verified: boolean;
  readonly bio: string | null;
  readonly headline: string | null;
  readonly about: string | null;
  readonly location: string | null;
  readonly locale: string | null;
  readonly timezone: string | null;
  readonly pronouns: string | null;
  readonly contact: Record<string, string | null>;
  readonly socials: Record<string, string | null>;
}

export const COMPLETENESS_WEIGHTS = {
  name: 15, // first and last name
  username: 10,
  emailVerified: 10,
  bio: 10,
  headline: 10,
  about: 10,
  location: 5,
  locale: 5,
  timezone: 5,
  pronouns: 5,
  contact: 5, // any contact field
  socials: 10, // any social link
} as const;

const any = (o: Record<string, string | null>) => Object.values(o).some((v) => v !== null && v !== '');

export function completeness(p: CompletenessInput): number {
  const w = COMPLETENESS_WEIGHTS;
  const parts: [boolean, number][] = [
    [Boolean(p.firstName && p.lastName), w.name],
    [Boolean(p.username), w.username],
    [p.emailVerified, w.emailVerified],
    [Boolean(p.bio), w.bio],
    [Boolean(p.headline), w.headline],
    [Boolean(p.about), w.about],
    [Boolean(p.location), w.location],
    [Boolean(p.locale), w.locale],
    [Boolean(p.timezone), w.timezone],
    [Boolean(p.pronouns), w.pronouns],
    [any(p.contact), w.contact],
    [any(p.socials), w.socials],
  ];
  return parts.reduce((sum, [filled, weight]) => sum + (filled ? weight : 0), 0);
}

/** The parts a public view shows (`verified` is implied by being visible at all). */
const PUBLIC_PARTS = {
  name: COMPLETENESS_WEIGHTS.name,
  username: COMPLETENESS_WEIGHTS.username,
  verified: COMPLETENESS_WEIGHTS.emailVerified,
  bio: COMPLETENESS_WEIGHTS.bio,
  headline: COMPLETENESS_WEIGHTS.headline,
  about: COMPLETENESS_WEIGHTS.about,
  location: COMPLETENESS_WEIGHTS.location,
  pronouns: COMPLETENESS_WEIGHTS.pronouns,
  socials: COMPLETENESS_WEIGHTS.socials,
} as const;
const PUBLIC_TOTAL = Object.values(PUBLIC_PARTS).reduce((a, b) => a + b, 0);

/** The score shown to others and filtered on by the directory: their parts only, scaled to 0–100. */
export function publicCompleteness(p: CompletenessInput): number {
  const w = PUBLIC_PARTS;
  const parts: [boolean, number][] = [
    [Boolean(p.firstName && p.lastName), w.name],
    [Boolean(p.username), w.username],
    [p.verified, w.verified],
    [Boolean(p.bio), w.bio],
    [Boolean(p.headline), w.headline],
    [Boolean(p.about), w.about],
    [Boolean(p.location), w.location],
    [Boolean(p.pronouns), w.pronouns],
    [any(p.socials), w.socials],
  ];
  const sum = parts.reduce((total, [filled, weight]) => total + (filled ? weight : 0), 0);
  return Math.round((100 * sum) / PUBLIC_TOTAL);
}

/** Both scores, as a profile stores them. */
export const scores = (p: CompletenessInput) => ({
  completeness: completeness(p),
  publicCompleteness: publicCompleteness(p),
});
