// Sign-in, token refresh, the session list, logout, token introspection and
// revocation, and the public keys that verify access tokens.
import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { type Authenticator, callerOf, principalOf } from '../../http/authenticate.ts';
import { ID_CURSOR, PageQuery, pageReply, readCursor } from '../../http/pagination.ts';
import { problemResponses } from '../../http/problem.ts';
import { requestContext } from '../../http/request-context.ts';
import { Id, NoContent, sendEmpty } from '../../http/schemas.ts';
import { toPrivateUser } from '../accounts/accounts.schemas.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { CredentialsService } from '../credentials/index.ts';
import { deviceTokenOf, rememberDevice } from '../credentials/index.ts';
import { loginReply } from '../credentials/login.schemas.ts';
import {
  Introspection,
  Jwks,
  LoginBody,
  MfaRequired,
  RefreshBody,
  SessionPage,
  TokenBody,
  Tokens,
} from './sessions.schemas.ts';
import type { SessionsService } from './sessions.service.ts';
import type { KeyStore } from './signing-keys.ts';

export interface SessionsRoutesDeps {
  readonly sessions: SessionsService;
  readonly credentials: CredentialsService;
  readonly accounts: AccountsService;
  readonly keys: KeyStore;
  readonly auth: Authenticator;
}

export function sessionsRoutes(app: App, deps: SessionsRoutesDeps): void {
  const { sessions, credentials, accounts, keys, auth } = deps;

  app.post(
    '/v1/sessions',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Sign in with a password',
        description:
          'By email or username. An unknown account and a wrong password get the same 401 `invalid_credentials` ' +
          'after the same work. 10 consecutive failures for a sign-in name from one address answer 429 with ' +
          'Retry-After, backing off; 100 from all addresses together lock the name everywhere, except for a browser ' +
          'that presents the `roster_device` cookie of an earlier correct sign-in. An account whose address is not verified yet answers 401 `invalid_credentials` too (a 403 would tell a new address from a taken one); `account_disabled` (403) comes only after a correct password. When the ' +
          'account has a second factor the reply is `{mfaRequired, mfaToken, methods}` instead of tokens.',
        body: LoginBody,
        response: { 200: Type.Union([Tokens, MfaRequired]), ...problemResponses(401, 403, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const outcome = await credentials.login(request.body, requestContext(request), deviceTokenOf(request));
      rememberDevice(reply, outcome.deviceToken);
      return loginReply(outcome);
    },
  );

  app.post(
    '/v1/sessions/refresh',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Refresh the tokens',
        description:
          'Returns new tokens; the refresh token rotates on every use. Presenting a refresh token that was ' +
          'already used revokes its whole session.',
        body: RefreshBody,
        response: { 200: Tokens, ...problemResponses(401, 422) },
      },
    },
    async (request) => {
      const { userId, tokens } = await sessions.refresh(request.body.refreshToken, requestContext(request));
      return { ...tokens, user: toPrivateUser(await accounts.getUser(userId)) };
    },
  );

  app.get(
    '/v1/sessions',
    {
      preHandler: auth.user('sessions:read'),
      schema: {
        tags: ['sessions'],
        summary: 'My active sessions',
        querystring: PageQuery,
        response: { 200: SessionPage, ...problemResponses(401, 422) },
      },
    },
    async (request) => {
      const page = await sessions.listSessions(principalOf(request), {
        limit: request.query.limit ?? 20,
        after: readCursor(request.query.cursor, ID_CURSOR),
      });
      return pageReply(page, ID_CURSOR, (s) => ({
        id: s.id,
        createdAt: s.createdAt,
        lastSeenAt: s.lastSeenAt,
        userAgent: s.userAgent,
        ip: s.ip,
        current: s.current,
      }));
    },
  );

  app.delete(
    '/v1/sessions/current',
    {
      preHandler: auth.user('sessions:write'),
      schema: {
        tags: ['sessions'],
        summary: 'Log out (this session)',
        response: { 204: NoContent, ...problemResponses(401) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await sessions.revokeSession(principal, principal.sessionId, requestContext(request));
      return sendEmpty(reply, 204);
    },
  );

  app.delete(
    '/v1/sessions',
    {
      preHandler: auth.user('sessions:write'),
      schema: {
        tags: ['sessions'],
        summary: 'Log out everywhere',
        description: 'Ends every session of the user, this one included.',
        response: { 204: NoContent, ...problemResponses(401) },
      },
    },
    async (request, reply) => {
      await sessions.revokeAllSessions(principalOf(request).userId, requestContext(request));
      return sendEmpty(reply, 204);
    },
  );

  app.delete(
    '/v1/sessions/:id',
    {
      preHandler: auth.user('sessions:write'),
      schema: {
        tags: ['sessions'],
        summary: 'End one of my sessions',
        params: Type.Object({ id: Id }),
        response: { 204: NoContent, ...problemResponses(401, 404, 422) },
      },
    },
    async (request, reply) => {
      await sessions.revokeSession(principalOf(request), request.params.id, requestContext(request));
      return sendEmpty(reply, 204);
    },
  );

  app.post(
    '/v1/tokens/introspect',
    {
      preHandler: auth.userOrService('tokens:introspect'),
      schema: {
        tags: ['sessions'],
        summary: 'Introspect a token (RFC 7662)',
        description:
          'An access or refresh token of the caller. Another user’s token reads `{active: false}`.',
        body: TokenBody,
        response: { 200: Introspection, ...problemResponses(401, 422) },
      },
    },
    async (request) => sessions.introspect(callerOf(request), request.body.token),
  );

  app.post(
    '/v1/tokens/revoke',
    {
      preHandler: auth.userOrService('tokens:revoke'),
      schema: {
        tags: ['sessions'],
        summary: 'Revoke a token (RFC 7009)',
        description:
          'Ends the session the token belongs to, when it is the caller’s. Always 200, as RFC 7009 asks.',
        body: TokenBody,
        response: { 200: Type.Object({}), ...problemResponses(401, 422) },
      },
    },
    async (request) => {
      await sessions.revokeToken(callerOf(request), request.body.token, requestContext(request));
      return {};
    },
  );

  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Public keys of access tokens (JWKS)',
        description: 'Ed25519 keys; `kid` in a token’s header names the one that signed it.',
        response: { 200: Jwks },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return keys.jwks() as never;
    },
  );
}
