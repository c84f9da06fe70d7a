// Requests that prove a mailbox carry either the address and its code, or a
// link token; never both, never neither.
import { commonError } from '../../platform/errors.ts';

export type CodeOrToken = { kind: 'code'; email: string; code: string } | { kind: 'token'; token: string };

export function codeOrToken(input: {
  email?: string | undefined;
  code?: string | undefined;
  token?: string | undefined;
}): CodeOrToken {
  if (input.token !== undefined && input.code === undefined && input.email === undefined)
    return { kind: 'token', token: input.token };
  if (input.token === undefined && input.code !== undefined && input.email !== undefined) {
    return { kind: 'code', email: input.email, code: input.code };
  }
  throw commonError('validation_failed', {
    detail: 'Send either email and code, or token.',
    errors: [
      {
        path: input.token === undefined ? (input.email === undefined ? 'email' : 'code') : 'token',
        message: 'send either email and code, or token',
      },
    ],
  });
}
