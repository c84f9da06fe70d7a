// OpenAPI 3.1 generated from the route schemas (@fastify/swagger), served at
// /openapi.json, with a browsable reference at /docs (@fastify/swagger-ui,
// assets served locally: no CDN). Each operation's security and operationId
// are derived here (describeRoute), so neither can drift from the routes.
import { isDeepStrictEqual } from 'node:util';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import { routeAuthOf } from './authenticate.ts';
import { problemResponses } from './problem.ts';

export const OPENAPI_INFO = {
  title: 'Roster API',
  version: '0.1.0',
  description:
    'Accounts, identity and profiles. Errors are RFC 9457 problem details (`application/problem+json`) ' +
    'with a stable `code`; validation failures are 422 with `errors[{path,message}]`. ' +
    'Each operation lists the permission it needs; a token whose scope lacks it gets 403 `insufficient_scope`.',
  license: { name: 'MIT', identifier: 'MIT' },
};

/**
 * The operationId of a route, from its method and path alone, so adding a
 * route never renames another (typed clients are generated from these):
 * `GET /v1/users/:id/followers` is `getUsersByIdFollowers`. The API version
 * segment is left out; two routes that would share an id fail at start-up.
 */
export function operationIdOf(method: string, url: string): string {
  const segments = url.split('/').filter(Boolean);
  if (segments[0] === 'v1') segments.shift();
  const words = segments.map((segment) => {
    if (segment.startsWith(':')) return `By${pascal(/^:(\w+)/.exec(segment)?.[1] ?? 'Param')}`;
    return segment === '*' ? 'Any' : pascal(segment);
  });
  return method.toLowerCase() + words.join('');
}

const pascal = (text: string): string =>
  text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');

/**
 * Completes a documented route's schema: its operationId (explicit, or
 * derived) and its security, from the authenticator's declaration (a bearer
 * token holding the permission, or a service key too), `[]` for a public
 * route. A route declaring security by hand that disagrees fails at start-up.
 */
function describeRoute(route: RouteOptions, operationIds: Map<string, string>): void {
  if (route.method === 'HEAD' || route.schema?.hide) return;
  if (Array.isArray(route.method)) {
    throw new Error(`${route.url}: declare one method per documented route (each needs its own operationId)`);
  }
  const schema = route.schema ?? {};
  const where = `${route.method} ${route.url}`;
  const operationId = (schema.operationId as string | undefined) ?? operationIdOf(route.method, route.url);
  const taken = operationIds.get(operationId);
  if (taken !== undefined && taken !== where) {
    throw new Error(`${where}: operationId ${operationId} is already ${taken}'s; set schema.operationId`);
  }
  operationIds.set(operationId, where);
  const auth = routeAuthOf(route.preHandler);
  let security = schema.security ?? [];
  if (auth) {
    const needs: string[] = [auth.permission];
    const derived: Record<string, string[]>[] = [{ bearer: needs }];
    if (auth.services) derived.push({ serviceKey: needs });
    if (schema.security !== undefined && !isDeepStrictEqual(schema.security, derived)) {
      throw new Error(`${where}: schema.security disagrees with the route's auth pre-handler; leave it out`);
    }
    security = derived;
  }
  // A token without the permission is refused with 403 insufficient_scope: say so.
  const response = schema.response as Record<string, unknown> | undefined;
  // (A compatibility surface answers every 4xx in its own shape, declared as `4xx`.)
  const withScope =
    auth && response && !('403' in response) && !('4xx' in response)
      ? { response: { ...response, ...problemResponses(403) } }
      : {};
  route.schema = { ...schema, ...withScope, operationId, security };
}

/**
 * A wildcard route (`/media/*`: object keys hold slashes) documented as the
 * path parameter `{key}`, since OpenAPI has no wildcard.
 */
function wildcardAsKey({ schema, url }: { schema: FastifySchema; url: string }) {
  if (!url.endsWith('/*')) return { schema, url };
  const params = schema.params as { properties?: Record<string, unknown> } | undefined;
  const { '*': wildcard, ...rest } = params?.properties ?? {};
  return {
    url: `${url.slice(0, -1)}{key}`,
    schema: { ...schema, params: { ...params, properties: { ...rest, key: wildcard }, required: ['key'] } },
  };
}

export async function registerOpenApi(
  app: FastifyInstance,
  publicUrl: string,
  /** The tags of the compatibility surfaces served. */
  surfaceTags: readonly { name: string; description: string }[] = [],
): Promise<void> {
  const operationIds = new Map<string, string>();
  app.addHook('onRoute', (route) => describeRoute(route, operationIds));
  await app.register(swagger, {
    transform: wildcardAsKey,
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      servers: [{ url: publicUrl }],
      tags: [
        { name: 'service', description: 'Health, readiness, metrics and this reference' },
        ...surfaceTags,
      ],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description:
              'An access token. Each operation names the permission it needs: a first-party session holds ' +
              'every one (the staff ones with the admin role), an OAuth token those its scopes grant. ' +
              'Where service keys are accepted (`serviceKey`), the key may be sent this way too.',
          },
          serviceKey: {
            type: 'apiKey',
            in: 'header',
            name: 'X-API-Key',
            description: 'A service key (`rk_…`), holding the permissions it was created with.',
          },
        },
      },
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // The UI's own policy, minus what a local service does not want: no
    // third-party validator images, no framing, and no forced https upgrade
    // (which would break the page on a plain-http development server).
    transformStaticCSP: (header: string) =>
      header
        .replace(' validator.swagger.io', '')
        .replace("frame-ancestors 'self'", "frame-ancestors 'none'")
        .replace(/\s*upgrade-insecure-requests;?/, ''),
    uiConfig: { url: '/openapi.json', deepLinking: true, validatorUrl: null },
    logLevel: 'warn',
  });
}
