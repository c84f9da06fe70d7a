// OpenAPI 3.1 generated from the route schemas (@fastify/swagger), served at
// /openapi.json, with a browsable reference at /docs (@fastify/swagger-ui,
// assets served locally: no CDN).
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export const OPENAPI_INFO = {
  title: 'Roster API',
  version: '0.1.0',
  description:
    'Accounts, identity and profiles. Errors are RFC 9457 problem details (`application/problem+json`) ' +
    'with a stable `code`; validation failures are 422 with `errors[{path,message}]`.',
};

export async function registerOpenApi(app: FastifyInstance, publicUrl: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      servers: [{ url: publicUrl }],
      tags: [{ name: 'service', description: 'Health, readiness, metrics and this reference' }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token' },
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
