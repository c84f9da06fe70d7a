// The directory: active users found by name, username or headline, narrowed
// by role, tags and completeness, in keyset pages. Whoever the social graph
// hides from the viewer (blocks, either way) is filtered in the query itself,
// so pages stay full and counts honest. Completeness is the public score, and
// staff roles are not public: to everyone but staff, a staff account is a
// `user`, and a filter by a staff role finds nobody (an empty page, not a 403,
// which would itself tell something).

import { staffScopeOf, type ViewerRef, viewerIdOf } from '../../platform/auth/principal.ts';
import type { Dialect } from '../../platform/db/database.ts';
import type { Executor } from '../../platform/db/executor.ts';
import type { FieldError } from '../../platform/domain-error.ts';
import { commonError } from '../../platform/errors.ts';
import type { Hooks } from '../../platform/hooks.ts';
import { type Page, type PageRequest, pageFrom } from '../../platform/page.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import { type ProfilesService, type PublicView, tagKey } from '../profiles/index.ts';
import { BUILT_IN_ROLES, findUserById, isStaffRole, STAFF_ROLES, type UserRole } from '../users/index.ts';
import { registerDirectoryHooks } from './directory.hooks.ts';
import { SEARCHES_PER_USER } from './directory.limits.ts';
import {
  type DirectoryQuery,
  ENTRY_USER,
  narrowestFilter,
  searchUsers,
  type Visibility,
} from './directory.repository.ts';
import { searchTerms } from './search-document.ts';

/** Where a directory page ends: the entry's place in sign-up order (a positive integer). */
export interface DirectoryKey {
  readonly seq: number;
}

export const MAX_TERMS = 8;
export const MAX_TAG_FILTERS = 10;

export interface DirectorySearch extends PageRequest<DirectoryKey> {
  readonly q?: string | undefined;
  readonly role?: UserRole | undefined;
  /** The account type. */
  readonly type?: string | undefined;
  /** Comma-separated tag names or keys. */
  readonly tags?: string | undefined;
  readonly completenessMin?: number | undefined;
  readonly completenessMax?: number | undefined;
}

export function createDirectoryService(deps: {
  db: Executor;
  dialect: Dialect;
  profiles: Pick<ProfilesService, 'publicViews' | 'searchFacts' | 'tagUsage'>;
  /** Who may see whom (the social graph: blocks, either way). */
  visibility: Visibility[];
  guard: RateGuard;
  hooks: Hooks;
  /** The business roles and account types the operator named (ROSTER_ROLES, ROSTER_ACCOUNT_TYPES). */
  standing: { readonly roles: readonly string[]; readonly accountTypes: readonly string[] };
}) {
  const { db, dialect, profiles, visibility, guard } = deps;
  registerDirectoryHooks(deps.hooks, profiles);

  /**
   * The roles a match may hold for this viewer's role filter: as asked for
   * staff; for others, every role shown to them as the one asked (`user`
   * takes in staff accounts), none for a staff role. Undefined: no filter.
   */
  async function rolesFor(viewer: ViewerRef, role: UserRole | undefined) {
    if (role === undefined) return undefined;
    const account = staffScopeOf(viewer) ? await findUserById(db, viewerIdOf(viewer)) : null;
    if (account !== null && isStaffRole(account.role)) return [role];
    if (isStaffRole(role)) return [];
    return role === 'user' ? ['user', ...STAFF_ROLES] : [role];
  }

  return {
    async search(viewer: ViewerRef, input: DirectorySearch): Promise<Page<PublicView, DirectoryKey>> {
      await guard.perUser('search', viewerIdOf(viewer), SEARCHES_PER_USER);
      const tags = [...new Set((input.tags ?? '').split(',').map(tagKey).filter(Boolean))];
      const errors: FieldError[] = [];
      const terms = searchTerms(input.q ?? '');
      if (terms.length > MAX_TERMS) {
        errors.push({ path: 'query.q', message: `must have at most ${MAX_TERMS} words` });
      }
      if (tags.length > MAX_TAG_FILTERS) {
        errors.push({ path: 'query.tags', message: `must name at most ${MAX_TAG_FILTERS} tags` });
      }
      const knownRoles = [...BUILT_IN_ROLES, ...deps.standing.roles];
      if (input.role !== undefined && !knownRoles.includes(input.role))
        errors.push({ path: 'query.role', message: `must be one of ${knownRoles.join(', ')}` });
      if (input.type !== undefined && !deps.standing.accountTypes.includes(input.type))
        errors.push({
          path: 'query.type',
          message:
            deps.standing.accountTypes.length > 0
              ? `must be one of ${deps.standing.accountTypes.join(', ')}`
              : 'matches nothing: no account types are configured',
        });
      const { completenessMin: min, completenessMax: max } = input;
      if (min !== undefined && max !== undefined && min > max) {
        errors.push({ path: 'query.completenessMin', message: 'must not exceed completenessMax' });
      }
      if (errors.length > 0)
        throw commonError('validation_failed', { detail: 'Some filters are invalid.', errors });
      const after = input.after?.seq;
      if (after !== undefined && !(Number.isSafeInteger(after) && after >= 1))
        throw commonError('invalid_cursor');
      const roles = await rolesFor(viewer, input.role);
      if (roles?.length === 0) return { items: [], next: null };
      const query: DirectoryQuery = {
        terms,
        tags,
        limit: input.limit,
        ...(roles ? { roles } : {}),
        ...(input.type !== undefined ? { accountType: input.type } : {}),
        ...(min !== undefined ? { completenessMin: min } : {}),
        ...(max !== undefined ? { completenessMax: max } : {}),
        ...(after !== undefined ? { after } : {}),
      };
      const plan = await narrowestFilter(db, dialect, query, profiles.tagUsage);
      if (plan === 'none') return { items: [], next: null };
      const found = await searchUsers(
        db,
        dialect,
        { ...query, ...plan },
        visibility.map((visible) => visible(dialect, viewerIdOf(viewer), ENTRY_USER)),
      );
      const page = pageFrom(found, input.limit, (row): DirectoryKey => ({ seq: row.seq }));
      // The views are read from the accounts themselves: one changed since its
      // entry was written (say, banned by hand) drops out rather than show.
      return {
        items: await profiles.publicViews(
          page.items.map((row) => row.id),
          viewer,
        ),
        next: page.next,
      };
    },
  };
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;
