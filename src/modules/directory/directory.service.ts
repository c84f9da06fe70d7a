// The directory: active users found by name, username or headline, narrowed
// by role, tags and completeness, in keyset pages. Whoever the social graph
// hides from the viewer (blocks, either way) is filtered in the query itself,
// so pages stay full and counts honest. Completeness is the public score, and
// staff roles are not public: to everyone but staff, a staff account is a
// `user`, and a filter by a staff role finds nobody (an empty page, not a 403,
// which would itself tell something).

import { type RawBuilder, sql } from 'kysely';
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
  countMatches,
  countTextMatches,
  type DirectoryQuery,
  ENTRY_USER,
  entriesHeld,
  findListedPlace,
  isIndexed,
  narrowestFilter,
  pageOfMatches,
  rareBelow,
  searchUsers,
  type Visibility,
} from './directory.repository.ts';
import { countedTotal, GRAM_MAX, gramTotal } from './directory-counts.ts';
import { searchTerms } from './search-document.ts';

/** Where a directory page ends: the entry's place in sign-up order (a positive integer). */
export interface DirectoryKey {
  readonly seq: number;
}

export const MAX_TERMS = 8;
export const MAX_TAG_FILTERS = 10;

/** Numbered pages reach this many matches (each page's offset is walked). */
export const MAX_NUMBERED_RESULTS = 10_000;

/** No filter but the search words and tags. */
const tagsOnly = (q: DirectoryQuery) =>
  q.roles === undefined &&
  q.accountType === undefined &&
  q.completenessMin === undefined &&
  q.completenessMax === undefined;
/** No filter but the search words. */
const unfiltered = (q: DirectoryQuery) => q.tags.length === 0 && tagsOnly(q);

export interface DirectoryFilters {
  readonly q?: string | undefined;
  readonly role?: UserRole | undefined;
  /** The account type. */
  readonly type?: string | undefined;
  /** Comma-separated tag names or keys. */
  readonly tags?: string | undefined;
  readonly completenessMin?: number | undefined;
  readonly completenessMax?: number | undefined;
  /** Only accounts the viewer brought in: signed up with their referral or invite code. */
  readonly owned?: boolean | undefined;
}

export interface DirectorySearch extends DirectoryFilters, PageRequest<DirectoryKey> {}

export function createDirectoryService(deps: {
  db: Executor;
  dialect: Dialect;
  profiles: Pick<ProfilesService, 'publicViews' | 'searchFacts' | 'tagUsage'>;
  /** Who may see whom (the social graph: blocks, either way). */
  visibility: Visibility[];
  guard: RateGuard;
  hooks: Hooks;
  /** The accounts a viewer brought in (the invites module: referral or invite code). */
  ownedBy: Visibility;
  /** The users the viewer may not see (the social graph: blocks, either way), for totals from the counters. */
  hiddenFrom: (db: Executor, viewerId: string) => Promise<readonly string[]>;
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

  /**
   * The query a search's filters make for this viewer (checked, planned,
   * with the viewer's visibility conditions), or 'none' when no entry can
   * match (a staff role asked for by a non-staff viewer, a tag nobody has).
   */
  async function prepare(
    viewer: ViewerRef,
    input: DirectoryFilters,
    limit: number,
    after?: number,
    /** How many entries the page ends after (a numbered page's offset + limit): what the plan weighs. */
    depth = limit,
  ): Promise<{ query: DirectoryQuery; visible: RawBuilder<boolean>[] } | 'none'> {
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
      errors.push({
        path: 'query.completenessMin',
        message: 'must not exceed the highest completeness asked for',
      });
    }
    if (errors.length > 0)
      throw commonError('validation_failed', { detail: 'Some filters are invalid.', errors });
    const roles = await rolesFor(viewer, input.role);
    if (roles?.length === 0) return 'none';
    const query: DirectoryQuery = {
      terms,
      tags,
      limit,
      ...(roles ? { roles } : {}),
      ...(input.type !== undefined ? { accountType: input.type } : {}),
      ...(min !== undefined ? { completenessMin: min } : {}),
      ...(max !== undefined ? { completenessMax: max } : {}),
      ...(after !== undefined ? { after } : {}),
    };
    const plan = await narrowestFilter(db, dialect, { ...query, limit: depth }, profiles.tagUsage);
    if (plan === 'none') return 'none';
    const viewerId = viewerIdOf(viewer);
    const visible = visibility.map((condition) => condition(dialect, viewerId, ENTRY_USER));
    if (input.owned) visible.push(deps.ownedBy(dialect, viewerId, ENTRY_USER));
    return { query: { ...query, ...plan }, visible };
  }

  /** The count that answers the query without reading its matches, if one does (see totalOf). */
  function counterFor(query: DirectoryQuery): (() => Promise<number>) | undefined {
    const [term, ...more] = query.terms;
    if (term === undefined) {
      return query.tags.length <= 1 ? () => countedTotal(db, { ...query, tag: query.tags[0] }) : undefined;
    }
    if (more.length === 0 && [...term].length <= GRAM_MAX && unfiltered(query))
      return () => gramTotal(db, term);
    if (dialect === 'sqlite' && query.terms.every(isIndexed) && tagsOnly(query))
      return () => countTextMatches(db, query);
    return undefined;
  }

  /**
   * How many entries match. From counters where they answer the query, less
   * the users hidden from the viewer who would match: without search words,
   * with one tag at most (directory-counts.ts), one word of up to three
   * characters and no other filter (the gram counters), or, on SQLite, words
   * of three characters or more with tags at most (its text index, which
   * holds listed entries only); never with `owned`.
   * Otherwise by counting the matches, from the rarest tag's index when there
   * is a tag and no word the text index answers.
   */
  async function totalOf(
    viewer: ViewerRef,
    query: DirectoryQuery,
    visible: RawBuilder<boolean>[],
    owned: boolean,
  ): Promise<number> {
    const counter = owned ? undefined : counterFor(query);
    if (counter) {
      const hidden = await deps.hiddenFrom(db, viewerIdOf(viewer));
      const [counted, hiddenMatches] = await Promise.all([
        counter(),
        hidden.length === 0
          ? 0
          : countMatches(db, dialect, { ...query, start: undefined }, [
              sql<boolean>`${sql.ref(ENTRY_USER)} in (${sql.join(hidden)})`,
            ]),
      ]);
      return counted - hiddenMatches;
    }
    const counted =
      dialect === 'sqlite' && query.tags.length > 0 && !query.start && !query.terms.some(isIndexed)
        ? { ...query, start: 'tag' as const }
        : query;
    return countMatches(db, dialect, counted, visible);
  }

  return {
    /**
     * The key of a page that starts right after this user's entry: for faces
     * that page by the last user shown. A user the viewer is not shown (not
     * listed, or hidden by a block either way) is a 400 `invalid_cursor`, as
     * an unknown id is, so an offset tells nothing a search would not.
     */
    async keyAfterUser(viewer: ViewerRef, userId: string): Promise<DirectoryKey> {
      // The search's own visibility conditions (blocks either way), on the one entry.
      const visible = visibility.map((condition) => condition(dialect, viewerIdOf(viewer), ENTRY_USER));
      const seq = await findListedPlace(db, userId, visible);
      if (seq === null) throw commonError('invalid_cursor');
      return { seq };
    },

    /** A keyset page (`next` continues after its last entry). */
    async search(viewer: ViewerRef, input: DirectorySearch): Promise<Page<PublicView, DirectoryKey>> {
      const after = input.after?.seq;
      if (after !== undefined && !(Number.isSafeInteger(after) && after >= 1))
        throw commonError('invalid_cursor');
      const prepared = await prepare(viewer, input, input.limit, after);
      if (prepared === 'none') return { items: [], next: null };
      const found = await searchUsers(db, dialect, prepared.query, prepared.visible);
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

    /**
     * A numbered page with the exact number of matches: for clients that
     * show "page 3 of 12". Pages reach the first MAX_NUMBERED_RESULTS matches;
     * past them, narrow the filters (or page by cursor with `search`).
     */
    async numberedPage(
      viewer: ViewerRef,
      input: DirectoryFilters & { readonly page: number; readonly limit: number },
    ): Promise<{ items: PublicView[]; total: number }> {
      const offset = (input.page - 1) * input.limit;
      if (!(Number.isSafeInteger(input.page) && input.page >= 1) || offset >= MAX_NUMBERED_RESULTS)
        throw commonError('validation_failed', {
          detail: `Numbered pages reach the first ${MAX_NUMBERED_RESULTS} matches; narrow the filters.`,
          errors: [
            { path: 'query.page', message: `must leave at most ${MAX_NUMBERED_RESULTS} matches before it` },
          ],
        });
      const prepared = await prepare(viewer, input, input.limit, undefined, offset + input.limit);
      if (prepared === 'none') return { items: [], total: 0 };
      const { query, visible } = prepared;
      // The total first: it tells how to read the page, and whether there is one.
      // Only PostgreSQL weighs sorting against walking (SQLite's plan is the query's start).
      const [total, entries] = await Promise.all([
        totalOf(viewer, query, visible, Boolean(input.owned)),
        dialect === 'postgres' ? entriesHeld(db) : 0,
      ]);
      if (offset >= total) return { items: [], total };
      const sort = dialect === 'postgres' && total < rareBelow(offset + input.limit, entries);
      const ids = await pageOfMatches(db, dialect, query, visible, offset, sort);
      return { items: await profiles.publicViews(ids, viewer), total };
    },
  };
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;
