// The OpenID provider's HTTP face. oidc-provider serves the protocol under
// /oauth (authorize, token, revoke, jwks, logout) and discovery at
// /.well-known/openid-configuration, in a scope that leaves request bodies
// unread for it. Roster answers two endpoints itself, because its access
// tokens are JWTs the library does not look up: introspection (RFC 7662) and
// userinfo. Errors here are RFC 6749's `{error, error_description}`, not
// problem+json. `/v1/me/authorizations` lists and removes the user's
// authorised apps.
import formbody from '@fastify/formbody';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { type Authenticator, principalOf } from '../../http/authenticate.ts';
import { toDomainError } from '../../http/error-handler.ts';
import { problemResponses, STATUS_BY_KIND } from '../../http/problem.ts';
import { requestContext } from '../../http/request-context.ts';
import { NoContent, sendEmpty } from '../../http/schemas.ts';
import type { UserPrincipal } from '../../platform/auth/principal.ts';
import { commonError } from '../../platform/errors.ts';
import type { OAuthModule } from './oauth.module.ts';
import { OAUTH_ROUTES } from './provider.ts';

export interface OAuthRoutesDeps {
  readonly oauth: OAuthModule;
  readonly auth: Authenticator;
  /** The native token check (the bearer of userinfo). */
  readonly authenticateToken: (token: string) => Promise<UserPrincipal>;
}

const PROVIDER_HEADERS = {
  // No script runs but the inline one of the provider's auto-submitting forms
  // (form_post responses, the sign-out before another account signs in),
  // whose digest the provider adds to script-src itself.
  'content-security-policy':
    "default-src 'none'; script-src 'report-sample'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function oauthError(reply: FastifyReply, status: number, error: string, description: string) {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('application/json; charset=utf-8')
    .send({ error, error_description: description });
}

/** client_secret_basic (RFC 6749 §2.3.1: each part form-encoded) or client_secret_post. */
function clientCredentialsOf(request: FastifyRequest, body: Record<string, unknown>) {
  const header = request.headers.authorization;
  if (typeof header === 'string' && /^Basic /i.test(header)) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    try {
      return {
        id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
        secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
      };
    } catch {
      return null;
    }
  }
  const { client_id: id, client_secret: secret } = body;
  return typeof id === 'string' && typeof secret === 'string' ? { id, secret } : null;
}

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i;

export function oauthRoutes(app: App, deps: OAuthRoutesDeps): void {
  const { oauth, auth } = deps;

  // The provider's own endpoints: bodies stay unread for it, and its replies are its own.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    const own = new Set([OAUTH_ROUTES.introspection, OAUTH_ROUTES.userinfo].map((r) => r.toLowerCase()));
    const origin = new URL(oauth.issuer);
    const forward = async (request: FastifyRequest, reply: FastifyReply) => {
      // The provider's router ignores case and a trailing slash: another
      // spelling of a path Roster answers itself must not reach the library's.
      const path = request.url.split('?')[0]!.toLowerCase().replace(/\/+$/, '');
      if (own.has(path)) return oauthError(reply, 404, 'invalid_request', 'Not found.');
      const provider = await oauth.current();
      // Every URL it builds and every cookie it marks Secure follow PUBLIC_URL,
      // and the client's address is the one Fastify trusted (TRUST_PROXY),
      // never a header the client wrote.
      const headers = request.raw.headers;
      headers.host = origin.host;
      headers['x-forwarded-host'] = origin.host;
      headers['x-forwarded-proto'] = origin.protocol.slice(0, -1);
      headers['x-forwarded-for'] = request.ip;
      reply.hijack();
      for (const [name, value] of Object.entries(PROVIDER_HEADERS)) reply.raw.setHeader(name, value);
      reply.raw.setHeader('x-request-id', request.id);
      await provider.callback()(request.raw, reply.raw);
    };
    const hidden = { schema: { hide: true } };
    scope.route({
      method: ['GET', 'POST', 'OPTIONS'],
      url: '/.well-known/openid-configuration',
      ...hidden,
      handler: forward,
    });
    scope.route({
      method: ['GET', 'POST', 'OPTIONS', 'DELETE'],
      url: '/oauth/*',
      ...hidden,
      handler: forward,
    });
  });

  // Form bodies (RFC 7662 §2.1) are read here only: the rest of the API takes JSON.
  app.register(async (plain) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    await scope.register(formbody, { bodyLimit: 16 * 1024 });
    // Any refusal of the framework's or the text rules' is an RFC 6749 error here too.
    scope.setErrorHandler(async (error: FastifyError, request, reply) => {
      const domain = toDomainError(error);
      const status = STATUS_BY_KIND[domain.kind];
      if (status >= 500) {
        request.log.error({ err: error }, 'OAuth endpoint failed');
        return oauthError(reply, 500, 'server_error', 'The request could not be completed.');
      }
      return oauthError(reply, status === 413 ? 413 : 400, 'invalid_request', domain.detail);
    });
    introspectionRoute(scope);
    scope.get(OAUTH_ROUTES.userinfo, { schema: userinfoSchema }, userinfo);
    scope.post(OAUTH_ROUTES.userinfo, { schema: { ...userinfoSchema, hide: true } }, userinfo);
  });

  function introspectionRoute(scope: App) {
    scope.post(
      OAUTH_ROUTES.introspection,
      {
        schema: {
          tags: ['oauth'],
          summary: 'Introspect a token (RFC 7662)',
          description:
            'For a confidential client (HTTP Basic or client_secret_post): the state of an access or refresh token ' +
            'issued to that client. Another client’s token, an ended grant or an unknown token reads `{active: false}`.',
          consumes: ['application/x-www-form-urlencoded'],
          body: Type.Object(
            {
              token: Type.String({ minLength: 1, maxLength: 4096 }),
              token_type_hint: Type.Optional(Type.String({ maxLength: 40 })),
              client_id: Type.Optional(Type.String({ maxLength: 200 })),
              client_secret: Type.Optional(Type.String({ maxLength: 200 })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ active: Type.Boolean() }, { additionalProperties: true }),
            '4xx': Type.Object({ error: Type.String(), error_description: Type.String() }),
          },
        },
        attachValidation: true,
      },
      async (request, reply) => {
        if (request.validationError)
          return oauthError(reply, 400, 'invalid_request', request.validationError.message);
        const body = request.body;
        const client = clientCredentialsOf(request, body);
        if (!client || !(await oauth.clients.verifySecret(client.id, client.secret))) {
          reply.header('www-authenticate', 'Basic realm="oauth"');
          return oauthError(reply, 401, 'invalid_client', 'client authentication failed');
        }
        const answer = (await oauth.introspect(client.id, body.token)) as { active: boolean };
        return reply.header('cache-control', 'no-store').send(answer);
      },
    );
  }

  const userinfo = async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    if (!token) {
      reply.header('www-authenticate', 'Bearer realm="roster"');
      return oauthError(reply, 401, 'invalid_token', 'send the access token: Authorization: Bearer <token>');
    }
    const principal = await deps.authenticateToken(token).catch(() => null);
    const claims = principal ? await oauth.userinfo(principal) : null;
    if (!principal || !claims) {
      const error = principal ? 'insufficient_scope' : 'invalid_token';
      reply.header('www-authenticate', `Bearer error="${error}"${principal ? ', scope="openid"' : ''}`);
      return oauthError(
        reply,
        principal ? 403 : 401,
        error,
        principal ? 'the token lacks openid' : 'the token is not valid',
      );
    }
    return reply.header('cache-control', 'no-store').send(claims);
  };
  const userinfoSchema = {
    tags: ['oauth'],
    summary: 'The signed-in user’s claims (OpenID Connect userinfo)',
    description:
      'With an access token that holds `openid`: `sub`, and the claims of each granted scope (`profile`, `email`, `phone`).',
    response: {
      200: Type.Object({ sub: Type.String() }, { additionalProperties: true }),
      '4xx': Type.Object({ error: Type.String(), error_description: Type.String() }),
    },
  };

  const Authorization = Type.Object({
    clientId: Type.String(),
    clientName: Type.String(),
    scopes: Type.Array(Type.String()),
    grantedAt: Type.String({ format: 'date-time' }),
  });

  app.get(
    '/v1/me/authorizations',
    {
      preHandler: auth.user('sessions:read'),
      schema: {
        tags: ['oauth'],
        summary: 'The apps I authorised',
        description: 'Each OAuth client with a live grant of mine, and the scopes I granted it.',
        response: { 200: Type.Object({ items: Type.Array(Authorization) }), ...problemResponses(401, 403) },
      },
    },
    async (request) => ({ items: await oauth.authorizations(principalOf(request).userId) }),
  );

  app.delete(
    '/v1/me/authorizations/:clientId',
    {
      preHandler: auth.user('sessions:write'),
      schema: {
        tags: ['oauth'],
        summary: 'Remove an app’s access',
        description:
          'Ends every grant of mine to the client: its access and refresh tokens stop working at once, on every node.',
        params: Type.Object({ clientId: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 204: NoContent, ...problemResponses(401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const { userId } = principalOf(request);
      if (!(await oauth.revokeAuthorization(userId, request.params.clientId, requestContext(request))))
        throw commonError('not_found', { detail: 'No authorisation of that client.' });
      return sendEmpty(reply, 204);
    },
  );
}
