// What every compatibility surface is: the seed API's paths under one prefix,
// served from an encapsulated Fastify scope with the seed's own envelope,
// error shape and status codes; callers authenticate with the native bearer
// token, refused in the seed's shape. The scope's error and
// not-found handlers write the seed's shape, so the native problem+json never
// leaks into a surface, and the surface's shape never into the native API.
// A surface only maps: its routes call the modules' services and rename the
// domain's views (API.md, "Compatibility surfaces").

import type { FastifyError } from 'fastify';
import type { Roster } from '../compose.ts';
import type { CompatSurface } from '../config/config.schema.ts';
import type { Config } from '../config/load-config.ts';
import type { App } from '../http/app-types.ts';
import type { Authenticator } from '../http/authenticate.ts';
import { type ErrorSender, logged, noRoute } from '../http/error-handler.ts';
import type { RequestTime } from '../platform/request-time.ts';

/** What a surface's routes may use: the services, the authenticator and the configuration. */
export interface SurfaceDeps {
  readonly roster: Roster;
  readonly auth: Authenticator;
  readonly config: Config;
  /** Present only where a request may set its own time (development, ROSTER_DEV_TIME_HEADER). */
  readonly requestTime: RequestTime | null;
}

export interface Surface {
  readonly id: CompatSurface;
  /** Every path of the seed starts with it (`/users`): the scope's not-found handler answers under it. */
  readonly prefix: string;
  /** The OpenAPI tag of its routes. */
  readonly tag: { readonly name: string; readonly description: string };
  /** Writes a refusal in the seed's shape. */
  readonly send: ErrorSender;
  /** Registers the routes, relative to `prefix`, and the surface's hooks. */
  register(scope: App, deps: SurfaceDeps): void | Promise<void>;
}

/** Serves a surface in a scope of its own under its prefix. */
export function mountSurface(app: App, surface: Surface, deps: SurfaceDeps): void {
  app.register(
    async (scope: App) => {
      scope.setErrorHandler((error: FastifyError, request, reply) =>
        surface.send(reply, request, logged(request, error)),
      );
      scope.setNotFoundHandler((request, reply) => surface.send(reply, request, noRoute(request)));
      scope.addHook('onRoute', (route) => {
        route.schema = { ...route.schema, tags: [surface.tag.name] };
      });
      await surface.register(scope, deps);
    },
    { prefix: surface.prefix },
  );
}
