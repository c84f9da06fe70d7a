// The undo link of a security-change mail. The link opens a page with one
// button (a GET never changes anything: mail scanners follow links); the
// button, or a client calling the API, reverses the change and signs the
// account out everywhere.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { problemResponses } from '../../http/problem.ts';
import { requestContext } from '../../http/request-context.ts';
import { DomainError } from '../../platform/domain-error.ts';
import { escapeHtml } from '../../platform/mailer/templates/index.ts';
import { LinkToken } from '../accounts/accounts.schemas.ts';
import type { SecurityChanges } from './security-changes.service.ts';

const FORM_BODY_LIMIT = 4 * 1024; // 4 KiB: a token and nothing else

/** Plain HTML: the app's CSP (default-src 'none') blocks inline styles, so the page carries none. */
function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title></head>
<body>
<h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

export function securityChangesRoutes(app: App, deps: { securityChanges: SecurityChanges }): void {
  const { securityChanges } = deps;

  app.post(
    '/v1/security/undo',
    {
      schema: {
        tags: ['security'],
        summary: 'Undo a security change',
        description:
          'The token of the link mailed after a second factor, recovery codes or a phone number changed. ' +
          'Reverses that change and ends every session of the account. Works once, for 30 days.',
        body: Type.Object({ token: LinkToken }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            reversed: Type.String({
              description: 'What was reversed',
              examples: ['An authenticator app was removed'],
            }),
          }),
          ...problemResponses(422, 429),
        },
      },
    },
    async (request) => securityChanges.undo(request.body.token, requestContext(request)),
  );

  // The hosted page behind the mailed link.
  app.register(async (scope) => {
    const pages = scope.withTypeProvider<TypeBoxTypeProvider>();
    pages.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    const Query = Type.Object({ token: LinkToken });

    pages.get(
      '/undo-change',
      {
        schema: {
          tags: ['security'],
          summary: 'Page of the undo link',
          description: 'Shows one button that undoes the change (POST /undo-change).',
          querystring: Query,
          produces: ['text/html'],
        },
      },
      async (request, reply) => {
        const token = escapeHtml(request.query.token);
        return reply.type('text/html; charset=utf-8').send(
          page(
            'Undo this change?',
            `<p>This reverses the change described in the mail and signs your account out everywhere.</p>
<form method="post" action="/undo-change"><input type="hidden" name="token" value="${token}">
<button type="submit">Undo the change and sign out everywhere</button></form>`,
          ),
        );
      },
    );

    pages.post(
      '/undo-change',
      {
        schema: {
          tags: ['security'],
          summary: 'Undo from the page',
          body: Type.Object({ token: LinkToken }),
          produces: ['text/html'],
        },
      },
      async (request, reply) => {
        reply.type('text/html; charset=utf-8');
        try {
          const { reversed } = await securityChanges.undo(request.body.token, requestContext(request));
          return reply.send(
            page(
              'Done',
              `<p>${escapeHtml(reversed)}. Every session was signed out.</p><p>Reset your password if you did not make the change, then sign in and review your security settings.</p>`,
            ),
          );
        } catch (error) {
          if (!(error instanceof DomainError) || error.code !== 'invalid_link') throw error;
          return reply
            .code(422)
            .send(page('This link no longer works', '<p>It was used already, or it expired.</p>'));
        }
      },
    );
  });
}
