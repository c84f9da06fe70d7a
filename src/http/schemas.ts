// Building blocks for request schemas. Strings refuse control characters
// (NUL bytes and friends have no business in names or emails) and always
// carry a maxLength, so oversized input is a 422 before any work is done.
import type { FastifyReply } from 'fastify';
import { type TString, Type } from 'typebox';
import { EMAIL_INPUT_PATTERN, EMAIL_MAX_LENGTH } from '../modules/users/index.ts';

// Controls but tab and line breaks, and the noncharacters (U+FFFE, U+FFFF,
// U+FDD0–FDEF, …), which SQLite reads as U+FFFD in some places only.
const NO_CONTROL = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F\\p{Noncharacter_Code_Point}]*$';

export const Text = (
  maxLength: number,
  options: { description?: string; minLength?: number; examples?: string[] } = {},
): TString => Type.String({ maxLength, pattern: NO_CONTROL, ...options });

/** Surrounding spaces are allowed here and trimmed by the service. */
export const Email = Type.String({
  pattern: EMAIL_INPUT_PATTERN,
  maxLength: EMAIL_MAX_LENGTH,
  description: 'Email address (trimmed and lower-cased)',
  examples: ['ada@example.com'],
});

/** Passwords are checked by the policy (8–128 code points); the schema bounds the bytes. */
export const Password = (description = 'Password') =>
  Type.String({ minLength: 1, maxLength: 512, description, examples: ['correct horse battery staple'] });

export const Id = Type.String({ format: 'uuid', description: 'Identifier' });

export const NoContent = Type.Null({ description: 'No content' });

/** 202/204 replies carry no body. */
export function sendEmpty(reply: FastifyReply, status: 202 | 204): FastifyReply {
  return reply.code(status).send();
}
