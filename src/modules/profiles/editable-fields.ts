// Which profile fields people may change themselves: the operator's choice
// (ROSTER_PROFILE_EDITABLE_FIELDS, seed 002's `user.profile.editable-fields`),
// every field when unset. An object field (`name`, `contact`, `socials`)
// allows all its parts, or name them one by one (`name.first`). A patch that
// touches any other field is refused whole, naming each such field.
import type { ProfilePatch } from './profile-patch.ts';
import { profileError } from './profiles.errors.ts';

const PARTS = {
  name: ['first', 'middle', 'last', 'display'],
  contact: ['country', 'state', 'city', 'address', 'phone'],
  socials: ['github', 'twitter', 'linkedin', 'website'],
} as const satisfies Partial<Record<keyof ProfilePatch, readonly string[]>>;

const FLAT = [
  'username',
  'bio',
  'pronouns',
  'gender',
  'designation',
  'customLink',
  'locale',
  'timezone',
  'location',
  'headline',
  'about',
  'availability',
  'isPrivate',
  'tags',
  'custom',
  'phone',
] as const satisfies readonly (keyof ProfilePatch)[];

/** Every name ROSTER_PROFILE_EDITABLE_FIELDS accepts. */
export const PROFILE_FIELD_NAMES: readonly string[] = [
  ...FLAT,
  ...Object.entries(PARTS).flatMap(([field, parts]) => [field, ...parts.map((p) => `${field}.${p}`)]),
];

const isObjectField = (key: string): key is keyof typeof PARTS => Object.hasOwn(PARTS, key);

/** The paths the patch sets (or clears) that `editable` leaves out; none when every field is editable (null). */
export function refusedFields(patch: ProfilePatch, editable: ReadonlySet<string> | null): string[] {
  if (editable === null) return [];
  const refused: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || editable.has(key)) continue;
    if (isObjectField(key) && value !== null && typeof value === 'object') {
      for (const part of Object.keys(value))
        if (!editable.has(`${key}.${part}`)) refused.push(`${key}.${part}`);
    } else refused.push(key);
  }
  return refused;
}

/** Throws 403 `field_not_editable`, naming each refused field, unless the patch keeps to `editable`. */
export function assertEditable(patch: ProfilePatch, editable: ReadonlySet<string> | null): void {
  const refused = refusedFields(patch, editable);
  if (refused.length > 0)
    throw profileError('field_not_editable', {
      detail: `These fields cannot be changed here: ${refused.join(', ')}.`,
      errors: refused.map((path) => ({ path, message: 'is not editable (ROSTER_PROFILE_EDITABLE_FIELDS)' })),
    });
}
