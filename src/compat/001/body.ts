// How FastAPI reads a request body, so a client gets the refusals it would get
// there rather than Fastify's: a body is JSON when it has no content type or
// a JSON one (`application/json`, `application/*+json`), and anything else
// is not an object (422 `model_attributes_type`); an empty body, or JSON
// `null`, is a missing one (422 `missing`); JSON that does not parse is 422
// `json_invalid` at the character where it stopped; a route without a body
// ignores whatever was sent. Keys named `__proto__` or `constructor.prototype`
// are dropped, as unknown fields are. A body is judged only after the token.
import { isUtf8 } from 'node:buffer';
import type { FastifyRequest, RouteOptions } from 'fastify';
import type { App } from '../../http/app-types.ts';
import { jsonInvalid, MISSING_BODY, NOT_AN_OBJECT, RequestInvalid } from './validation.ts';

function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * Where parsing stopped, as JSON.parse's message says (Fastify's parser does
 * not): the end of a truncated text, else the position named, else 0.
 */
function positionOf(text: string): number {
  try {
    JSON.parse(text);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/end of JSON input/.test(message)) return text.length;
    return Number(/position (\d+)/.exec(message)?.[1] ?? 0);
  }
}

const hasBody = (request: FastifyRequest) => request.routeOptions.schema?.body !== undefined;

export function readBodiesAsFastApi(scope: App): void {
  const parseJson = scope.getDefaultJsonParser('remove', 'remove');
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (!hasBody(request) || bytes.length === 0) return done(null, undefined);
    if (!isJson(request.headers['content-type'])) return done(new RequestInvalid([NOT_AN_OBJECT]));
    if (!isUtf8(bytes)) return done(new RequestInvalid([jsonInvalid(0)]));
    const text = bytes.toString('utf8');
    parseJson(request, text, (error, value) => {
      if (error) done(new RequestInvalid([jsonInvalid(positionOf(text))]));
      else done(null, value);
    });
  });
}

/** Refuses a request whose body was absent or broke the schema (kept by attachValidation). */
async function refuseInvalid(request: FastifyRequest): Promise<void> {
  // Checked first: an absent body would read as "not an object".
  if (hasBody(request) && (request.body === undefined || request.body === null))
    throw new RequestInvalid([MISSING_BODY]);
  if (request.validationError) throw request.validationError;
}

/**
 * FastAPI authenticates (a dependency) before it validates the body, so a
 * caller without a token gets its 401 whatever it sent: each route keeps its
 * schema's verdict and refuses only after its authentication pre-handler.
 * (A body that does not parse is refused first there too.)
 */
export function validateAfterAuthentication(route: RouteOptions): void {
  route.attachValidation = true;
  const handlers = [route.preHandler ?? []].flat();
  route.preHandler = [...handlers, refuseInvalid] as RouteOptions['preHandler'];
}
