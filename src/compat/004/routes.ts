// Seed 004's `/users/*` routes: each parses, calls one service and renames the
// domain's view into the seed's envelope.
import { basename } from 'node:path';
import multipart from '@fastify/multipart';
import { type Static, Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { principalOf } from '../../http/authenticate.ts';
import { requestContext } from '../../http/request-context.ts';
import type { DayView } from '../../modules/activity/index.ts';
import { multipartFile, oneFileLimits } from '../../modules/media/index.ts';
import type { ProfilePatch } from '../../modules/profiles/index.ts';
import { commonError } from '../../platform/errors.ts';
import type { SurfaceDeps } from '../surface.ts';
import { envelope, replies, Success } from './envelope.ts';
import { SEED_CODES } from './errors.ts';
import {
  CONTENT_KINDS,
  DevTimeHeaders,
  Done,
  InfoBody,
  OtpSent,
  Picture,
  PictureBody,
  ReportBody,
  ReportQuery,
  SendOtpBody,
  SyncQuery,
  VerifyOtpBody,
} from './schemas.ts';
import {
  DailyStats,
  EXAM_FIELDS,
  readCursor,
  toDailyStats,
  toUserDetails,
  UserDetails,
  writeCursor,
} from './views.ts';

const DONE = 'Operation completed successfully.';
const DAY_MS = 86_400_000;
/** Every figure the seed counts is a multiple-choice question's. */
const MCQ_STREAM = 'mcq';

const Pagination = {
  pagination: Type.Object({
    next_cursor: Type.Union([Type.String(), Type.Null()], {
      description:
        'Where the next sync starts: send it back as `next_cursor` (null before anything was synced)',
    }),
    prev_cursor: Type.Null({ description: 'Always null: a sync only moves forward' }),
    limit: Type.Integer(),
    has_more: Type.Boolean(),
  }),
};

/** The seed's PATCH /users/info as a profile patch: null or absent keeps, strings stripped. */
function infoPatch(body: Static<typeof InfoBody>): ProfilePatch {
  const strip = (v: string | null | undefined) =>
    v === undefined || v === null ? undefined : v.trim() || null;
  const given = (entries: [string, unknown][]) =>
    Object.fromEntries(entries.filter(([, v]) => v !== undefined));
  const name = given([
    ['first', strip(body.name?.first_name)],
    ['last', strip(body.name?.last_name)],
  ]);
  const exam = given([
    [EXAM_FIELDS.background_info, strip(body.background_info)],
    [EXAM_FIELDS.attempt_number, body.attempt_number ?? undefined],
    [EXAM_FIELDS.attempt_year, body.attempt_year ?? undefined],
  ]);
  if (Object.keys(name).length === 0 && Object.keys(exam).length === 0)
    throw commonError('validation_failed', { detail: 'Provide at least one field to update.' });
  return {
    ...(Object.keys(name).length > 0 ? { name } : {}),
    ...(Object.keys(exam).length > 0 ? { custom: exam as ProfilePatch['custom'] } : {}),
  };
}

/** Where the next sync starts: after the last row sent, else where this one started (null before any). */
function resumeCursor(
  userId: string,
  page: { items: readonly DayView[]; position: number | undefined },
  given: string | undefined,
): string | null {
  const last = page.items.at(-1);
  if (last && page.position !== undefined) return writeCursor(userId, last, page.position);
  return given ?? null;
}

export function seed004Routes(scope: App, deps: SurfaceDeps): void {
  const { roster, auth, config } = deps;
  const ok = envelope(config.compat004.dataKey);
  const maxBytes = config.media.avatarMaxBytes;
  const headers = DevTimeHeaders;

  scope.get(
    '/mcq-daily/sync',
    {
      preHandler: auth.user('activity:read'),
      schema: {
        summary: 'Sync User MCQ Daily Stats',
        description:
          'The caller’s days (UTC) of one course whose totals changed after `next_cursor` (all without one), ' +
          'in the order they changed, days from `sync_from_epoch_ms` on. Send `next_cursor` back next time: ' +
          'a day that changed again since comes back. Native: GET /v1/me/activity/daily.',
        headers,
        querystring: SyncQuery,
        response: replies(Success(Type.Array(DailyStats), Pagination)),
      },
    },
    async (request) => {
      const { userId } = principalOf(request);
      const { course_id, sync_from_epoch_ms, next_cursor, limit = 50 } = request.query;
      const after = readCursor(next_cursor, userId, course_id);
      // Days whose start is at or after the instant: a mid-day instant starts with the next day.
      const from = new Date(Math.ceil(sync_from_epoch_ms / DAY_MS) * DAY_MS).toISOString();
      const query = { after, from, stream: MCQ_STREAM, scope: course_id, limit };
      const page = await roster.activity.changedDays(userId, query);
      return ok(
        page.items.map((day) => toDailyStats(userId, day)),
        {
          pagination: {
            next_cursor: resumeCursor(userId, page, next_cursor),
            prev_cursor: null,
            limit,
            has_more: page.hasMore,
          },
        },
      );
    },
  );

  scope.delete(
    '',
    {
      preHandler: auth.user('account:write'),
      config: { seed004: { failureCode: SEED_CODES.userDeletionFailed } },
      schema: {
        summary: 'Delete User',
        description:
          'Erases the caller’s account and ends every session. The seed sends no password, so the session ' +
          'must have signed in within ROSTER_REAUTH_MAX_AGE (5 minutes), else 9441 (sign in again). ' +
          'Native: DELETE /v1/me.',
        headers,
        response: replies(Success(Done)),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      await roster.accounts.deleteAccount(principal, 'recent-sign-in', requestContext(request));
      return ok({ id: principal.userId, message: DONE });
    },
  );

  scope.patch(
    '/info',
    {
      preHandler: auth.user('profile:write'),
      config: {
        seed004: {
          fieldNames: {
            'name.first': 'name.first_name',
            'name.last': 'name.last_name',
            [`custom.${EXAM_FIELDS.background_info}`]: 'background_info',
            [`custom.${EXAM_FIELDS.attempt_number}`]: 'attempt_number',
            [`custom.${EXAM_FIELDS.attempt_year}`]: 'attempt_year',
          },
        },
      },
      schema: {
        summary: 'Update User Info',
        description:
          'Only the fields given (not null) change; at least one, else 1006. Strings are stripped. The exam ' +
          'fields are the profile’s custom fields `backgroundInfo`, `attemptNumber` and `attemptYear`. ' +
          'Answers the user’s details. Native: PATCH /v1/me.',
        headers,
        body: InfoBody,
        response: replies(Success(UserDetails)),
      },
    },
    async (request) => {
      const view = await roster.profiles.update(principalOf(request).userId, infoPatch(request.body));
      return ok(toUserDetails(view));
    },
  );

  // Multipart applies to the picture route only.
  scope.register(async (pictures: App) => {
    await pictures.register(multipart, {
      limits: oneFileLimits(maxBytes),
    });
    pictures.post(
      '/profile-picture',
      {
        preHandler: auth.user('profile:write'),
        bodyLimit: maxBytes,
        schema: {
          summary: 'Upload Profile Picture',
          description:
            'One JPEG, PNG or WEBP file (judged by its content; anything else 9415) in the `file` field. It ' +
            'is cropped to a square, stripped of metadata and stored as 400×400 WebP. Native: PUT /v1/me/avatar.',
          headers,
          consumes: ['multipart/form-data'],
          body: { content: { 'multipart/form-data': { schema: PictureBody } } },
          response: replies(Success(Picture)),
        },
      },
      async (request) => {
        if (!request.isMultipart())
          throw commonError('unsupported_media_type', {
            detail: 'Send the picture as multipart/form-data, in the `file` field.',
          });
        const file = await multipartFile(request, maxBytes);
        const avatar = await roster.avatars.upload(principalOf(request).userId, file, {
          formats: ['jpeg', 'png', 'webp'],
        });
        const filename = basename(new URL(avatar.url).pathname);
        return ok({ filename, width: 400 as const, height: 400 as const, aspect_ratio: '1:1' as const });
      },
    );
  });

  scope.post(
    '/send-phone-otp',
    {
      preHandler: auth.user('account:write'),
      schema: {
        summary: 'Initiate Phone Number Validation',
        description:
          'Sends a 6-digit code by SMS to an Indian number (+91). 3708 when another account verified the ' +
          'number, 3709 when it is already this account’s. A number gets one code every 30 s and 5 an hour. ' +
          'Native: POST /v1/me/phone.',
        headers,
        body: SendOtpBody,
        response: replies(Success(OtpSent)),
      },
    },
    async (request) => {
      const { code, value } = request.body.phone_number;
      const sent = await roster.phone.requestLinkCode(
        principalOf(request).userId,
        `${code}${value}`,
        requestContext(request),
        { refuseCurrent: true },
      );
      return ok({
        message: 'OTP sent successfully',
        expiry_time: new Date(sent.expiresAt).getTime(),
        oti: sent.oti,
      });
    },
  );

  scope.post(
    '/verify-phone-otp',
    {
      preHandler: auth.user('account:write'),
      schema: {
        summary: 'Verify Phone Number Validation',
        description:
          'Checks the code against the number and the oti (used once), then links the number as validated ' +
          'and answers the user’s details. 2002 wrong code, 2003 expired code (or its 5 tries used), 2008 ' +
          'unknown or used oti, 3708 and 3709 as for sending. The seed sends no password, so the session must ' +
          'have signed in within ROSTER_REAUTH_MAX_AGE, else 9441. Native: POST /v1/me/phone/verify.',
        headers,
        body: VerifyOtpBody,
        response: replies(Success(UserDetails)),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { phone_number, otp, oti } = request.body;
      const input = {
        phone: `${phone_number.code}${phone_number.value}`,
        code: otp,
        oti,
        reauth: { kind: 'recent-sign-in' as const },
      };
      await roster.phone.verifyLink(principal, input, requestContext(request), { refuseCurrent: true });
      return ok(toUserDetails(await roster.profiles.ownView(principal.userId)));
    },
  );

  scope.post(
    '/report',
    {
      preHandler: auth.user('report:write'),
      config: {
        seed004: {
          fieldNames: {
            'subject.id': 'content_id',
            'subject.shortId': 'content_short_uid',
            'context.id': 'course_id',
            issueType: 'issue_type',
          },
        },
      },
      schema: {
        summary: 'Create User Report',
        description:
          'Reports an MCQ (`content_type` 2) or a docket (1) of a course. Sending the same report again while ' +
          'it is open answers the first one. Twenty reports an hour, a hundred a day (then 9429). Native: ' +
          'POST /v1/reports.',
        headers,
        querystring: ReportQuery,
        body: ReportBody,
        response: replies(Success(Done)),
      },
    },
    async (request) => {
      const body = request.body;
      const { report } = await roster.reports.report(principalOf(request).userId, {
        subject: {
          type: CONTENT_KINDS[body.content_type],
          id: body.content_id,
          shortId: body.content_short_uid,
        },
        issueType: `issue-${body.issue_type ?? 1}`,
        context: { type: 'course', id: request.query.course_id },
        comments: body.comments,
      });
      return ok({ id: report.id, message: DONE });
    },
  );
}
