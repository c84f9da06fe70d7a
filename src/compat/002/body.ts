// How seed 002 reads a body: several of its request samples are an array of
// one object (`[{"code": "…", "password": "…"}]`) where the table documents
// one object, so a client written from either works: an array holding
// exactly one object is read as that object. An absent body is an empty
// object, so a route whose fields are all optional takes none, and the
// others name each missing field. Anything else is judged as sent.
import type { FastifyRequest } from 'fastify';

export async function readSeedBody(request: FastifyRequest): Promise<void> {
  const { body } = request;
  if (body === undefined && request.routeOptions.schema?.body !== undefined) request.body = {};
  if (Array.isArray(body) && body.length === 1 && body[0] !== null && typeof body[0] === 'object')
    request.body = body[0];
}

/** A code as sent (a string, or a number as its digits), trimmed. */
export const codeText = (code: string | number): string => String(code).trim();
