// Recording activity events, and the signed-in user's daily totals by sync.
import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { type Authenticator, callerOf, principalOf } from '../../http/authenticate.ts';
import { type CursorFormat, encodeCursor, readCursor } from '../../http/pagination.ts';
import { problemResponses } from '../../http/problem.ts';
import { Text } from '../../http/schemas.ts';
import { DaysPage, EventsBody, EventsReply, toDay } from './activity.schemas.ts';
import { type ActivityService, SCOPE_MAX, STREAM_PATTERN } from './activity.service.ts';

/** A sync position: the user's change number. */
const CHANGE_CURSOR: CursorFormat<number> = {
  write: (seq) => String(seq),
  read: (text) => (/^[1-9][0-9]{0,15}$/.test(text) ? Number(text) : null),
};

export function activityRoutes(app: App, deps: { activity: ActivityService; auth: Authenticator }): void {
  const { activity, auth } = deps;

  app.post(
    '/v1/activity/events',
    {
      preHandler: auth.userOrService('activity:write'),
      schema: {
        tags: ['activity'],
        summary: 'Record activity events',
        description:
          'Up to 100 events; each counts once toward its user’s totals for its stream, scope and UTC day (an ' +
          'event id sent again is a duplicate). A service key with `activity:write` names each event’s ' +
          '`userId`; a user records their own only where ROSTER_ACTIVITY_SELF_REPORT is on.',
        body: EventsBody,
        response: { 200: EventsReply, ...problemResponses(401, 404, 422) },
      },
    },
    async (request) => activity.record(callerOf(request), request.body.events),
  );

  app.get(
    '/v1/me/activity/daily',
    {
      preHandler: auth.user('activity:read'),
      schema: {
        tags: ['activity'],
        summary: 'My daily activity, by sync',
        description:
          'The days whose totals changed since `cursor` (all of them without one), in the order they changed, ' +
          'days from `from` on, of one `stream` and `scope` when they are given. Pass `nextCursor` back to get what changed since; a day that changes again ' +
          'comes back.',
        querystring: Type.Object({
          from: Type.Optional(
            Type.String({ format: 'date', description: 'The first day (YYYY-MM-DD, UTC)' }),
          ),
          stream: Type.Optional(
            Type.String({ pattern: STREAM_PATTERN.source, maxLength: 32, description: 'Only this stream' }),
          ),
          scope: Type.Optional(Text(SCOPE_MAX, { minLength: 1, description: 'Only this scope (a course)' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 200: DaysPage, ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const { from, stream, scope, limit = 50, cursor } = request.query;
      const after = readCursor(cursor, CHANGE_CURSOR);
      const query = { after, from, stream, scope, limit };
      const page = await activity.changedDays(principalOf(request).userId, query);
      return {
        items: page.items.map(toDay),
        nextCursor: page.position === undefined ? null : encodeCursor(CHANGE_CURSOR.write(page.position)),
        hasMore: page.hasMore,
      };
    },
  );
}
