// A profile PATCH: what it may hold (validatePatch) and how it merges into
// the stored profile and the account's names (absent stays, null clears,
// nested objects merge, custom merges at the top level).
import type { CountryCode } from 'libphonenumber-js';
import type { FieldError } from '../../platform/domain-error.ts';
import {
  normalisePhone,
  normaliseUsername,
  USERNAME_MESSAGE,
  USERNAME_PATTERN,
  type User,
} from '../users/index.ts';
import type { CustomData } from './custom-fields.ts';
import { checkCustomLink, checkLocale, checkSocial, checkTimezone } from './profile-rules.ts';
import type { Contact, Profile, Socials } from './profiles.repository.ts';
import type { Tag } from './tags.repository.ts';
import { MAX_TAGS, tagColor, tagKey, tagName } from './tags.ts';

/** A PATCH body: every field optional; null clears. */
export interface ProfilePatch {
  readonly username?: string | null;
  readonly name?: {
    readonly first?: string | null;
    readonly middle?: string | null;
    readonly last?: string | null;
    readonly display?: string | null;
  };
  readonly bio?: string | null;
  readonly pronouns?: string | null;
  readonly locale?: string | null;
  readonly timezone?: string | null;
  readonly location?: string | null;
  readonly headline?: string | null;
  readonly about?: string | null;
  readonly availability?: string | null;
  /** Free text in the person's own words. */
  readonly gender?: string | null;
  /** A job title or role. */
  readonly designation?: string | null;
  /** One https link (checkCustomLink). */
  readonly customLink?: string | null;
  readonly contact?: Partial<Record<keyof Contact, string | null>>;
  readonly socials?: Partial<Record<keyof Socials, string | null>>;
  readonly isPrivate?: boolean;
  /** Replaces the tags; null or [] removes them all. */
  readonly tags?: readonly string[] | null;
  /** Merges at the top level: a key set to null is removed; null clears them all. */
  readonly custom?: CustomData | null;
  /**
   * The account's own number (not `contact.phone`), stored unverified: it
   * signs in only once a code proves it. Null or blank removes an unverified
   * one; a verified number is neither replaced nor removed this way.
   */
  readonly phone?: string | null;
}

/**
 * A contact number in international format, compacted (`+44 161 496 0000` is
 * `+441614960000`): E.164's shape, `+` and 7 to 15 digits. Only the shape is
 * checked: it is a number to call, not one that signs in (that one is proven
 * by a code).
 */
export function contactPhone(input: string): string | null {
  const compact = input.trim().replace(/[\s().-]/g, '');
  return /^\+[1-9][0-9]{6,14}$/.test(compact) ? compact : null;
}

/**
 * The account number a patch sets: undefined keeps it, null for none (null
 * or blank), else E.164 (read in `region` without a country code); false
 * when it is no valid number.
 */
export function patchedPhone(
  patch: ProfilePatch,
  region: CountryCode | null,
): string | null | false | undefined {
  if (patch.phone === undefined) return undefined;
  if (patch.phone === null || patch.phone.trim() === '') return null;
  return normalisePhone(patch.phone, region) ?? false;
}

/** Absent keeps the old value; null or a string replaces it (strings trimmed, empty = null). */
const pick = <T extends string | null>(next: T | undefined, old: T): string | null =>
  next === undefined ? old : next === null ? null : next.trim() || null;

function merge<T extends Record<string, string | null>>(
  old: T,
  patch: Partial<Record<keyof T, string | null>> | undefined,
): T {
  if (!patch) return old;
  const out = { ...old };
  for (const key of Object.keys(old) as (keyof T)[]) {
    if (key in patch) out[key] = pick(patch[key] as string | null, old[key] as string | null) as T[keyof T];
  }
  return out;
}

export function mergeCustom(old: CustomData, patch: CustomData | null | undefined): CustomData {
  if (patch === undefined) return old;
  if (patch === null) return {};
  const kept = Object.entries(old).filter(([key]) => !Object.hasOwn(patch, key));
  const set = Object.entries(patch).filter(([, value]) => value !== null);
  return Object.fromEntries([...kept, ...set]);
}

/** The account's names and the profile after a patch: absent stays, null clears, nested objects merge. */
export function applyPatch(user: User, profile: Profile, patch: ProfilePatch, custom: CustomData) {
  const names = {
    firstName: pick(patch.name?.first, user.firstName),
    lastName: pick(patch.name?.last, user.lastName),
    username:
      patch.username === undefined
        ? user.username
        : patch.username === null
          ? null
          : normaliseUsername(patch.username),
  };
  const next: Profile = {
    ...profile,
    displayName: pick(patch.name?.display, profile.displayName),
    middleName: pick(patch.name?.middle, profile.middleName),
    bio: pick(patch.bio, profile.bio),
    pronouns: pick(patch.pronouns, profile.pronouns),
    locale: patch.locale ? Intl.getCanonicalLocales(patch.locale)[0]! : pick(patch.locale, profile.locale),
    timezone: pick(patch.timezone, profile.timezone),
    location: pick(patch.location, profile.location),
    headline: pick(patch.headline, profile.headline),
    about: pick(patch.about, profile.about),
    availability: pick(patch.availability, profile.availability),
    gender: pick(patch.gender, profile.gender),
    designation: pick(patch.designation, profile.designation),
    customLink: pick(patch.customLink, profile.customLink),
    contact: merge(profile.contact, {
      ...patch.contact,
      ...(patch.contact?.phone ? { phone: contactPhone(patch.contact.phone) } : {}),
    }),
    socials: merge(profile.socials, patch.socials),
    isPrivate: patch.isPrivate ?? profile.isPrivate,
    custom,
  };
  return { names, next };
}

/** Normalised, de-duplicated tags (the first spelling of a key wins). */
export function normaliseTags(names: readonly string[]): Tag[] {
  const seen = new Map<string, Tag>();
  for (const raw of names) {
    const key = tagKey(raw);
    if (key && !seen.has(key)) seen.set(key, { key, name: tagName(raw), color: tagColor(key) });
  }
  return [...seen.values()];
}

export function validatePatch(patch: ProfilePatch, phoneRegion: CountryCode | null = null): FieldError[] {
  const errors: FieldError[] = [];
  if (patchedPhone(patch, phoneRegion) === false)
    errors.push({ path: 'phone', message: 'is not a valid phone number' });
  if (patch.locale) {
    const message = checkLocale(patch.locale);
    if (message) errors.push({ path: 'locale', message });
  }
  if (patch.timezone) {
    const message = checkTimezone(patch.timezone);
    if (message) errors.push({ path: 'timezone', message });
  }
  if (patch.contact?.phone && contactPhone(patch.contact.phone) === null) {
    errors.push({
      path: 'contact.phone',
      message: 'must be a phone number in international format (+4412345678987)',
    });
  }
  if (patch.customLink?.trim()) {
    const message = checkCustomLink(patch.customLink.trim());
    if (message) errors.push({ path: 'customLink', message });
  }
  for (const [network, value] of Object.entries(patch.socials ?? {})) {
    const message = value ? checkSocial(network, value) : null;
    if (message) errors.push({ path: `socials.${network}`, message });
  }
  if (patch.tags && normaliseTags(patch.tags).length > MAX_TAGS) {
    errors.push({ path: 'tags', message: `must hold at most ${MAX_TAGS} different tags` });
  }
  if (typeof patch.username === 'string' && !USERNAME_PATTERN.test(normaliseUsername(patch.username))) {
    errors.push({ path: 'username', message: USERNAME_MESSAGE });
  }
  return errors;
}
