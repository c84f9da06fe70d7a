// Daily activity. Apps record events for a user: a service key holding
// `activity:write` for anyone, or a user for themself where the operator
// allows it (ROSTER_ACTIVITY_SELF_REPORT). Each event counts once (its id is
// recorded with the user) toward the user's totals for its stream, scope and
// UTC day, in the event's own transaction. Clients sync the days with a
// cursor: rows changed since the last page, a row changed again coming back.
import type { Principal } from '../../platform/auth/principal.ts';
import type { Clock } from '../../platform/clock.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import type { FieldError } from '../../platform/domain-error.ts';
import { commonError } from '../../platform/errors.ts';
import type { Hooks } from '../../platform/hooks.ts';
import { pageFrom } from '../../platform/page.ts';
import { findUserById, userError } from '../users/index.ts';
import {
  addToDay,
  type DailyRow,
  forgetActivity,
  insertEvent,
  listChangedDays,
  nextSequence,
} from './activity.repository.ts';

export const ATTEMPT_KINDS = ['first_attempt', 'reattempt'] as const;
export type AttemptKind = (typeof ATTEMPT_KINDS)[number];
export const STREAM_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;
export const SCOPE_MAX = 128;
export const EVENT_ID_MAX = 128;
export const EVENTS_PER_BATCH = 100;
/** An event from the future beyond this is a client's clock gone wrong. */
const FUTURE_SKEW_MS = 5 * 60_000;

export interface ActivityEvent {
  readonly id: string;
  /** Whose event it is; a user recording their own may leave it out. */
  readonly userId?: string | undefined;
  readonly stream: string;
  readonly scope: string;
  readonly kind: AttemptKind;
  readonly correct: boolean;
  readonly at: string;
}

export interface Totals {
  readonly total: number;
  readonly correct: number;
}

export interface DayView {
  readonly stream: string;
  readonly scope: string;
  readonly dayStart: string;
  readonly firstAttempt: Totals;
  readonly reattempt: Totals;
  readonly overall: Totals;
  readonly updatedAt: string;
}

export const dayView = (r: DailyRow): DayView => {
  const first = { total: Number(r.first_attempt_total), correct: Number(r.first_attempt_correct) };
  const again = { total: Number(r.reattempt_total), correct: Number(r.reattempt_correct) };
  return {
    stream: r.stream,
    scope: r.scope,
    dayStart: new Date(r.day_start).toISOString(),
    firstAttempt: first,
    reattempt: again,
    overall: { total: first.total + again.total, correct: first.correct + again.correct },
    updatedAt: new Date(r.updated_at).toISOString(),
  };
};

const utcDay = (at: Date) =>
  new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate())).toISOString();

export function createActivityService(deps: {
  db: Executor;
  clock: Clock;
  hooks: Hooks;
  config: { selfReport: boolean };
}) {
  const { db, clock } = deps;
  deps.hooks.on('accountErased', (trx, e) => forgetActivity(trx, e.userId));

  function check(events: readonly ActivityEvent[], now: Date): FieldError[] {
    const errors: FieldError[] = [];
    if (events.length === 0 || events.length > EVENTS_PER_BATCH)
      errors.push({ path: 'events', message: `must hold 1 to ${EVENTS_PER_BATCH} events` });
    events.forEach((e, i) => {
      const at = `events.${i}`;
      if (e.id.trim() === '' || e.id.length > EVENT_ID_MAX)
        errors.push({ path: `${at}.id`, message: `must be 1–${EVENT_ID_MAX} characters` });
      if (!STREAM_PATTERN.test(e.stream))
        errors.push({ path: `${at}.stream`, message: 'must be a lower-case word (at most 32)' });
      if (e.scope.trim() === '' || e.scope.length > SCOPE_MAX)
        errors.push({ path: `${at}.scope`, message: `must be 1–${SCOPE_MAX} characters` });
      if (!(ATTEMPT_KINDS as readonly string[]).includes(e.kind))
        errors.push({ path: `${at}.kind`, message: `must be one of ${ATTEMPT_KINDS.join(', ')}` });
      const when = new Date(e.at);
      if (Number.isNaN(when.getTime()) || when.getTime() > now.getTime() + FUTURE_SKEW_MS)
        errors.push({ path: `${at}.at`, message: 'must be an instant, not in the future' });
    });
    return errors;
  }

  /** Whose event this is, as the caller may record it. */
  function ownerOf(principal: Principal, event: ActivityEvent): string {
    if (principal.kind === 'user') {
      if (!deps.config.selfReport)
        throw commonError('forbidden', { detail: 'Activity is recorded by the app’s service key here.' });
      if (event.userId !== undefined && event.userId !== principal.userId)
        throw commonError('forbidden', { detail: 'A user records only their own activity.' });
      return principal.userId;
    }
    if (event.userId === undefined)
      throw commonError('validation_failed', { errors: [{ path: 'userId', message: 'is required' }] });
    return event.userId;
  }

  return {
    /** Records events; answers how many counted and how many had counted before (retries). */
    async record(principal: Principal, events: readonly ActivityEvent[]) {
      const now = clock.now();
      const errors = check(events, now);
      if (errors.length > 0)
        throw commonError('validation_failed', { detail: 'Some events are invalid; see errors.', errors });
      const owned = events.map((e) => ({ event: e, userId: ownerOf(principal, e) }));
      const users = [...new Set(owned.map((o) => o.userId))];
      for (const userId of users) {
        const user = await findUserById(db, userId);
        if (!user || user.status === 'deleted') throw userError('user_not_found');
      }
      const iso = now.toISOString();
      let accepted = 0;
      // One transaction per user: the user's sequence row lock orders their changes.
      for (const userId of users) {
        accepted += await inTransaction(db, async (trx) => {
          let counted = 0;
          for (const { event } of owned.filter((o) => o.userId === userId)) {
            if (!(await insertEvent(trx, userId, event.id, iso))) continue;
            const first = event.kind === 'first_attempt';
            const seq = await nextSequence(trx, userId);
            await addToDay(
              trx,
              {
                userId,
                stream: event.stream,
                scope: event.scope.trim(),
                dayStart: utcDay(new Date(event.at)),
                firstTotal: first ? 1 : 0,
                firstCorrect: first && event.correct ? 1 : 0,
                reTotal: first ? 0 : 1,
                reCorrect: !first && event.correct ? 1 : 0,
              },
              seq,
              iso,
            );
            counted++;
          }
          return counted;
        });
      }
      return { accepted, duplicates: events.length - accepted };
    },

    /**
     * The user's days changed after `after` (a change number), from the day
     * `from` on, in change order; `position` is where the next sync starts
     * (the last day's change number, or `after` when nothing changed).
     */
    async changedDays(
      userId: string,
      q: {
        after?: number | undefined;
        from?: string | undefined;
        stream?: string | undefined;
        scope?: string | undefined;
        limit: number;
      },
    ): Promise<{ items: DayView[]; hasMore: boolean; position: number | undefined }> {
      const since = q.from === undefined ? undefined : new Date(q.from);
      if (since && Number.isNaN(since.getTime()))
        throw commonError('validation_failed', { errors: [{ path: 'from', message: 'must be a date' }] });
      const from = since && utcDay(since);
      const rows = await listChangedDays(db, {
        userId,
        after: q.after ?? 0,
        from,
        stream: q.stream,
        scope: q.scope,
        limit: q.limit,
      });
      const page = pageFrom(rows, q.limit, (r) => Number(r.seq));
      const last = page.items.at(-1);
      return {
        items: page.items.map(dayView),
        hasMore: page.next !== null,
        position: last === undefined ? q.after : Number(last.seq),
      };
    },
  };
}

export type ActivityService = ReturnType<typeof createActivityService>;
