// How seed 002 reads a body: several of its request samples are an array of
// one object (`[{"code": "…", "password": "…"}]`) where the table documents
// one object, so a client written from either works: an array holding
// exactly one object is read as that object. An absent body is an empty
// object, so a route whose fields are all optional takes none, and the
// others name each missing field (a multipart body is its route's to read). Anything else is judged as sent.
import type { FastifyRequest } from 'fastify';

export async function readSeedBody(request: FastifyRequest): Promise<void> {
  const { body } = request;
  // A multipart body is read by its route (its parts are no object to judge here).
  const multipart = typeof request.isMultipart === 'function' && request.isMultipart();
  if (body === undefined && !multipart && request.routeOptions.schema?.body !== undefined) request.body = {};
  if (Array.isArray(body) && body.length === 1 && body[0] !== null && typeof body[0] === 'object')
    request.body = body[0];
}

/** A code as sent (a string, or a number as its digits), trimmed. */
export const codeText = (code: string | number): string => String(code).trim();
