// The phone code login strategy: a right SMS code to a number signs in to
// the account that verified it, or, for a new number, makes one (unless
// sign-up needs an invite it lacks). Like every strategy it only proves who
// signs in; the second factor and the session follow in credentials' signIn.
import type { Clock } from '../../platform/clock.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { createAccount } from '../accounts/index.ts';
import type { LoginStrategy } from '../credentials/index.ts';
import type { AdmissionInput, InvitesService } from '../invites/index.ts';
import type { OtpService } from '../otp/index.ts';
import { findUserById, findUserByVerifiedPhone, type UsersService } from '../users/index.ts';
import type { PhoneCodes } from './phone-codes.ts';

export type PhoneLogin = {
  readonly phone: string;
  readonly code: string;
  readonly oti: string;
} & AdmissionInput;

/** Whether this sign-in made the account. */
export interface AccountMade {
  readonly created: boolean;
}

export function createPhoneCodeStrategy(deps: {
  readonly db: Executor;
  readonly clock: Clock;
  readonly otp: OtpService;
  readonly codes: PhoneCodes;
  /** Invite and referral codes of a new account (invites module). */
  readonly admission: Pick<InvitesService, 'check' | 'admit'>;
  readonly users: Pick<UsersService, 'insert'>;
}): LoginStrategy<PhoneLogin, AccountMade> {
  const { db, clock, otp, codes } = deps;
  return {
    method: 'phone',
    async authenticate(input: PhoneLogin, context: RequestContext) {
      const phone = codes.parse(input.phone);
      const row = await codes.check('phone_login', phone, input.oti, input.code, context);
      const now = clock.now();
      const { user, created } = await inTransaction(db, async (trx) => {
        await otp.consume(trx, row);
        const existing = await findUserByVerifiedPhone(trx, phone);
        if (existing) return { user: existing, created: false };
        // A new number is a sign-up: invite-only mode wants a code here too.
        const admission = await deps.admission.check(trx, input);
        const id = await createAccount(
          trx,
          deps,
          {
            email: null,
            emailVerifiedAt: null,
            username: null,
            phone,
            phoneVerifiedAt: now.toISOString(),
            firstName: null,
            lastName: null,
            role: 'user',
            passwordHash: null,
            admission,
            auditDetail: { method: 'phone' },
          },
          context,
          now,
        );
        return { user: (await findUserById(trx, id))!, created: true };
      });
      return { user, amr: ['sms'], extra: { created } };
    },
  };
}
