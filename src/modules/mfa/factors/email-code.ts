// Codes by email: set up with a code mailed to the verified address, then a
// code mailed for each sign-in. The codes are the OTP module's (keyed hash,
// 5 tries, single use, 10 minutes); a set-up code confirms changes and a
// sign-in code completes a sign-in, never the other way round.

import type { Clock } from '../../../platform/clock.ts';
import { type Executor, inTransaction } from '../../../platform/db/executor.ts';
import { newId } from '../../../platform/ids.ts';
import { loginCode, mfaSetupCode } from '../../../platform/mailer/templates/index.ts';
import type { MailQueue } from '../../../platform/outbox/mail-queue.ts';
import type { RateGuard } from '../../../platform/rate-limit/rate-guard.ts';
import type { OtpService } from '../../otp/index.ts';
import type { User } from '../../users/index.ts';
import type { CodeUse, EnrolledFactor } from '../factor.ts';
import { mfaError } from '../mfa.errors.ts';
import { findFactor, upsertPendingFactor } from '../mfa.repository.ts';

const EMAIL_CODE_MINUTES = 10;
const PURPOSE = { 'sign-in': 'mfa_email', change: 'mfa_email_setup' } as const satisfies Record<
  CodeUse,
  string
>;

export function createEmailCodeFactor(deps: {
  readonly db: Executor;
  readonly clock: Clock;
  readonly otp: OtpService;
  readonly mail: MailQueue;
  readonly guard: RateGuard;
}): EnrolledFactor<void> & { changeCodeSentAt(user: User): Promise<string | null> } {
  const { db, otp, mail, guard } = deps;

  /** Issues a code of a purpose and queues its mail, in one transaction. */
  function send(user: User, use: CodeUse, pending: boolean): Promise<void> {
    const email = user.email!;
    return inTransaction(db, async (trx) => {
      // The row a set-up code turns on (or, once on, off).
      if (pending && !(await findFactor(trx, user.id, 'email')))
        await upsertPendingFactor(trx, {
          id: newId(),
          userId: user.id,
          type: 'email',
          secret: null,
          now: deps.clock.now().toISOString(),
        });
      const issued = await otp.issueCode(trx, {
        purpose: PURPOSE[use],
        userId: user.id,
        target: email,
        codeTtlSeconds: EMAIL_CODE_MINUTES * 60,
      });
      const template = use === 'change' ? mfaSetupCode : loginCode;
      await mail.queue(trx, email, template({ code: issued.code, minutes: EMAIL_CODE_MINUTES }));
    });
  }

  return {
    method: 'email',
    amr: 'email',
    name: 'Sign-in codes by email',

    /** When the last code for a change (turning the factor on or off) was mailed, if it is still good. */
    changeCodeSentAt: (user: User) =>
      user.email ? deps.otp.openCodeSentAt(deps.db, PURPOSE.change, user.email) : Promise.resolve(null),

    /** Mails a code that turns email codes on, or off once they are on (and confirms other changes). */
    async enroll(user: User) {
      if (!user.email || user.emailVerifiedAt === null)
        throw mfaError('mfa_method_unavailable', { detail: 'A verified email address is needed.' });
      await guard.perKey('mfa-email-setup', user.id, { limit: 5, windowSeconds: 3600 });
      await send(user, 'change', true);
    },

    async sendSignInCode(user: User) {
      if (!user.email) throw mfaError('mfa_method_unavailable');
      await guard.perKey('mfa-email-login', user.id, { limit: 5, windowSeconds: 900 });
      await send(user, 'sign-in', false);
    },

    async verify(executor, { user, code, use, row }) {
      if (!row || !user.email) return false;
      try {
        await otp.consume(executor, await otp.checkCode(executor, PURPOSE[use], user.email, code));
        return true;
      } catch {
        return false;
      }
    },
  };
}
