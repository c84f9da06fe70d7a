// Staff manage OAuth clients over HTTP as the operator does with
// `roster client …`: register, list, show, rotate the secret, remove. A
// confidential client's secret is in the reply to creation and rotation only.
import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { type Authenticator, principalOf } from '../../http/authenticate.ts';
import { problemResponses } from '../../http/problem.ts';
import { requestContext } from '../../http/request-context.ts';
import { NoContent } from '../../http/schemas.ts';
import type { OAuthClients } from './oauth-clients.service.ts';
import { OAUTH_SCOPES } from './oauth-scopes.ts';
import { MAX_REDIRECT_URIS } from './redirect-uris.ts';

const Uri = Type.String({ minLength: 1, maxLength: 2000 });
const Uris = (description: string) => Type.Array(Uri, { maxItems: MAX_REDIRECT_URIS, description });
const Scope = Type.String({ maxLength: 64, description: `One of ${OAUTH_SCOPES.join(', ')}` });

const Client = Type.Object({
  clientId: Type.String({ description: 'The public client id', examples: ['rc_3q2mGk5bT0xw8Yp1aZkD4w'] }),
  name: Type.String(),
  public: Type.Boolean({ description: 'True for a browser or native app: no secret, PKCE alone' }),
  redirectUris: Type.Array(Type.String(), { description: 'Compared exactly as written' }),
  postLogoutRedirectUris: Type.Array(Type.String()),
  scopes: Type.Array(Type.String(), { description: 'The scopes the client may ask for' }),
  firstParty: Type.Boolean({ description: 'The operator’s own app: users are not asked to consent' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

const WithSecret = Type.Intersect([
  Client,
  Type.Object({
    clientSecret: Type.Union([Type.String(), Type.Null()], {
      description: 'Shown here only (Roster keeps its digest); null for a public client',
      examples: ['rcs_Hk2…'],
    }),
  }),
]);

const NewClient = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    redirectUris: Uris(
      'https; http only to localhost, 127.0.0.1 or [::1]; or a reverse-domain private scheme ' +
        '(com.example.app:/cb). No wildcard, fragment or credentials; kept exactly as written',
    ),
    postLogoutRedirectUris: Type.Optional(Uris('Where RP-initiated logout may return, by the same rules')),
    public: Type.Optional(Type.Boolean({ default: false })),
    scopes: Type.Optional(Type.Array(Scope, { maxItems: 20, description: 'Default: openid profile email' })),
    firstParty: Type.Optional(Type.Boolean({ default: false })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        name: 'Partner app',
        redirectUris: ['https://partner.example/callback'],
        scopes: ['openid', 'profile', 'delegated:profile:read'],
      },
    ],
  },
);

const Params = Type.Object({ clientId: Type.String({ maxLength: 64 }) });

export function oauthClientsRoutes(
  app: App,
  deps: { oauthClients: OAuthClients; auth: Authenticator },
): void {
  const { oauthClients: clients, auth } = deps;
  const staff = auth.user('oauth-clients:manage');
  const tags = ['oauth'];

  app.get(
    '/v1/admin/oauth-clients',
    {
      preHandler: staff,
      schema: {
        tags,
        summary: 'OAuth clients',
        description: 'Every registered client, oldest first; never a secret. Admins only.',
        response: { 200: Type.Object({ items: Type.Array(Client) }), ...problemResponses(401, 403) },
      },
    },
    async (request) => ({ items: await clients.list(principalOf(request)) }),
  );

  app.post(
    '/v1/admin/oauth-clients',
    {
      preHandler: staff,
      schema: {
        tags,
        summary: 'Register an OAuth client',
        description:
          'A confidential client gets a secret, in this reply only; a public one (`public: true`) none. ' +
          'Admins only; audited.',
        body: NewClient,
        response: { 201: WithSecret, ...problemResponses(401, 403, 422) },
      },
    },
    async (request, reply) => {
      const { client, secret } = await clients.create(
        principalOf(request),
        request.body,
        requestContext(request),
      );
      return reply.code(201).send({ ...client, clientSecret: secret });
    },
  );

  app.get(
    '/v1/admin/oauth-clients/:clientId',
    {
      preHandler: staff,
      schema: {
        tags,
        summary: 'An OAuth client',
        description: 'Never its secret. Admins only.',
        params: Params,
        response: { 200: Client, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => clients.show(principalOf(request), request.params.clientId),
  );

  app.post(
    '/v1/admin/oauth-clients/:clientId/secret',
    {
      preHandler: staff,
      schema: {
        tags,
        summary: 'Rotate a client’s secret',
        description:
          'A new secret, in this reply only; the old one stops working at once. 409 for a public client. ' +
          'Admins only; audited.',
        params: Params,
        response: { 200: WithSecret, ...problemResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { client, secret } = await clients.rotateSecret(
        principalOf(request),
        request.params.clientId,
        requestContext(request),
      );
      return { ...client, clientSecret: secret };
    },
  );

  app.delete(
    '/v1/admin/oauth-clients/:clientId',
    {
      preHandler: staff,
      schema: {
        tags,
        summary: 'Remove an OAuth client',
        description: 'Admins only; audited.',
        params: Params,
        response: { 204: NoContent, ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await clients.delete(principalOf(request), request.params.clientId, requestContext(request));
      return reply.code(204).send(null);
    },
  );
}
