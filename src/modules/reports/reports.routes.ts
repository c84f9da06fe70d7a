// Reporting content or a user, and the staff queue.
import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { type Authenticator, principalOf } from '../../http/authenticate.ts';
import { ID_CURSOR, PageQuery, pageOf, pageReply, readCursor } from '../../http/pagination.ts';
import { problemResponses } from '../../http/problem.ts';
import { requestContext } from '../../http/request-context.ts';
import { Id } from '../../http/schemas.ts';
import {
  ModerationReport,
  NewReportBody,
  Report,
  ResolveBody,
  toModerationReport,
  toReport,
} from './reports.schemas.ts';
import type { ReportsService } from './reports.service.ts';

export function reportsRoutes(app: App, deps: { reports: ReportsService; auth: Authenticator }): void {
  const { reports, auth } = deps;

  app.post(
    '/v1/reports',
    {
      preHandler: auth.user('report:write'),
      schema: {
        tags: ['reports'],
        summary: 'Report content or a user',
        description:
          'The subject is a piece of the app’s content (`type` names its kind) or a user (`type: "user"`, ' +
          '`id` the user’s id; a user who blocks you can still be reported, yourself not). Sending the same ' +
          'report again while it is open answers the first one (200). Twenty reports an hour, a hundred a day.',
        body: NewReportBody,
        response: { 201: Report, 200: Report, ...problemResponses(401, 404, 422, 429) },
      },
    },
    async (request, reply) => {
      const { report, created } = await reports.report(principalOf(request).userId, request.body);
      return reply.code(created ? 201 : 200).send(toReport(report));
    },
  );

  app.get(
    '/v1/admin/reports',
    {
      preHandler: auth.user('reports:moderate'),
      schema: {
        tags: ['reports'],
        summary: 'The report queue (staff)',
        description: 'Newest first; `status` filters (`open`, `resolved`). 403 for anyone but staff.',
        querystring: Type.Object({
          ...PageQuery.properties,
          status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved')])),
        }),
        response: { 200: pageOf(ModerationReport), ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const { limit = 20, cursor, status } = request.query;
      const page = await reports.queue(principalOf(request), {
        status,
        limit,
        after: readCursor(cursor, ID_CURSOR),
      });
      return pageReply(page, ID_CURSOR, toModerationReport);
    },
  );

  app.post(
    '/v1/admin/reports/:id/resolve',
    {
      preHandler: auth.user('reports:moderate'),
      schema: {
        tags: ['reports'],
        summary: 'Resolve a report (staff)',
        description:
          'With an outcome (`actioned`, `dismissed`) and an optional note; recorded in the audit trail with ' +
          'the acting admin. A resolved report is a 409.',
        params: Type.Object({ id: Id }),
        body: ResolveBody,
        response: { 200: ModerationReport, ...problemResponses(401, 404, 409, 422) },
      },
    },
    async (request) =>
      toModerationReport(
        await reports.resolve(principalOf(request), request.params.id, request.body, requestContext(request)),
      ),
  );
}
