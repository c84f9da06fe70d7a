// The `sessionHash` of a sign-in waiting for its second factor: the MFA
// module's challenge token (opaque, single use, 5 minutes), with the id of
// the account it is for, so POST /user/do-2fa refuses a `target` that is not
// that account before it spends a try. The token alone decides: the id in
// it is checked again against the account the sign-in completes.
import { commonError } from '../../platform/errors.ts';

const SHAPE = /^([A-Za-z0-9_-]{16,150})\.([0-9A-Za-z-]{1,64})$/;

export const sessionHashOf = (userId: string, token: string): string => `${token}.${userId}`;

export function parseSessionHash(value: string): { token: string; userId: string } {
  const match = SHAPE.exec(value.trim());
  if (!match)
    throw commonError('validation_failed', {
      detail: 'The sessionHash is not one POST /user/login answered.',
      errors: [{ path: 'sessionHash', message: 'is not a sessionHash from POST /user/login' }],
    });
  return { token: match[1]!, userId: match[2]! };
}
