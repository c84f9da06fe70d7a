// Fresh proof for a change that decides who can sign in (linking a phone
// number, turning a second factor on or off, new recovery codes) or ends the
// account (deletion). An access
// token alone is not enough: a stolen one is seconds old, so how recently the
// session signed in proves nothing in the native API. The request itself
// carries the proof: the current password, or for an account without one a
// code from a channel it had before this session signed in (a factor enrolled
// or a number linked with the stolen token must not vouch for itself).
//
// Surfaces whose clients send no such field (the seed APIs) ask instead for a
// full sign-in of the same session within ROSTER_REAUTH_MAX_AGE.
import type { Clock } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { isFreshSignIn, type Principal } from '../sessions/index.ts';
import type { User } from '../users/index.ts';
import { credentialError } from './credentials.errors.ts';

export interface ReauthProof {
  readonly currentPassword?: string | undefined;
  /** Without a password: a code of a factor, or an SMS code sent to the account's own number (with its oti). */
  readonly confirmCode?: string | undefined;
  readonly confirmOti?: string | undefined;
}

export type Reauthentication =
  | { readonly kind: 'proof'; readonly proof: ReauthProof }
  /** Only for surfaces that document no re-authentication field. */
  | { readonly kind: 'recent-sign-in' };

export interface ReauthenticatorDeps {
  readonly clock: Clock;
  readonly maxAgeSeconds: number;
  readonly hasPassword: (userId: string) => Promise<boolean>;
  readonly verifyPassword: (user: User, password: string, ip: string) => Promise<boolean>;
  /** Throws unless `code` is current for a factor enabled before `before`. */
  readonly verifyFactorCode: (user: User, code: string, before: string) => Promise<void>;
  /** Throws unless the code (sent to the user's verified number by POST /v1/me/phone) is right. */
  readonly confirmOwnNumber: (
    user: User,
    input: { code: string; oti: string },
    context: RequestContext,
  ) => Promise<void>;
}

/** Fresh proof that whoever asks for a sensitive change is the account's owner. */
export interface Proof {
  /** The session asking: a factor or number added after its sign-in cannot vouch for it. */
  readonly principal: Principal;
  readonly context: RequestContext;
  /** What the request carries. */
  readonly given: Reauthentication;
}

/** The reply to a change that came without the proof it needs. */
export const reauthenticationRequired = (detail: string, path: string) =>
  credentialError('reauthentication_required', {
    detail,
    errors: [{ path, message: 'is required to confirm this change' }],
  });

/**
 * The one rule for every sensitive change (linking or replacing a number,
 * turning a factor on or off, new recovery codes, deleting the account):
 * - an account with a password proves it with the password;
 * - an account without one, with a code of a second factor that was on
 *   before the session signed in, or with an SMS code (and its oti) sent to
 *   the number it had when the session signed in, so a phone-only account
 *   without a factor proves itself with the number it has;
 * - a surface with no proof field, with a full sign-in of the same session
 *   within ROSTER_REAUTH_MAX_AGE.
 */
export function createReauthenticator(deps: ReauthenticatorDeps) {
  /** Which proof the account gives: its password when it has one, else a code. */
  const requiredProof = async (user: User): Promise<'password' | 'code'> =>
    (await deps.hasPassword(user.id)) ? 'password' : 'code';

  async function reauthenticate(user: User, { principal, context, given }: Proof): Promise<void> {
    if (given.kind === 'recent-sign-in') {
      if (!isFreshSignIn(principal, deps.clock.now(), deps.maxAgeSeconds))
        throw credentialError('reauthentication_required', {
          detail: 'Sign in again to make this change.',
        });
      return;
    }
    const { proof } = given;
    if ((await requiredProof(user)) === 'password') {
      if (proof.currentPassword === undefined)
        throw reauthenticationRequired('Confirm this change with your current password.', 'currentPassword');
      if (!(await deps.verifyPassword(user, proof.currentPassword, context.ip)))
        throw credentialError('invalid_password', { detail: 'Confirm with the current password.' });
      return;
    }
    if (proof.confirmCode === undefined)
      throw reauthenticationRequired(
        'Confirm this change with a code: one of a second factor, or one sent to your number (POST /v1/me/phone with it) with its oti.',
        'confirmCode',
      );
    if (proof.confirmOti !== undefined) {
      // The number must have been the account's when this session signed in
      // (a phone sign-up proves its number in that very sign-in).
      if (user.phoneVerifiedAt === null || user.phoneVerifiedAt > principal.authTime)
        throw reauthenticationRequired(
          'The account has no number verified before this sign-in.',
          'confirmOti',
        );
      await deps.confirmOwnNumber(user, { code: proof.confirmCode, oti: proof.confirmOti }, context);
      return;
    }
    await deps.verifyFactorCode(user, proof.confirmCode, principal.authTime);
  }

  return {
    requiredProof,
    reauthenticate,
  };
}

export type Reauthenticator = ReturnType<typeof createReauthenticator>;
