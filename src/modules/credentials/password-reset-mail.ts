// The work behind POST /v1/password/forgot, done by the outbox worker off the
// request path: the request only audits and queues a `password_reset` job,
// the same for every address, so neither its reply nor its timing tells
// whether the address has an account. Here the address is looked up; an
// active account gets a code and a link (both valid RESET_MINUTES), queued as
// mail in the same transaction; anything else gets nothing.
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { passwordResetCode } from '../../platform/mailer/templates/index.ts';
import type { MailQueue } from '../../platform/outbox/mail-queue.ts';
import { type OutboxSender, PermanentSendError } from '../../platform/outbox/outbox-sender.ts';
import type { OtpService } from '../otp/index.ts';
import { findUserByEmail } from '../users/index.ts';

export const RESET_MINUTES = 15;

/** The job's payload: the address as normalised at the request. */
export interface PasswordResetJob {
  readonly email: string;
}

export function createPasswordResetSender(deps: {
  db: Executor;
  otp: OtpService;
  mail: MailQueue;
  publicUrl: string;
}): OutboxSender {
  return async (payload) => {
    const email = (payload as Partial<PasswordResetJob> | null)?.email;
    if (typeof email !== 'string' || email === '')
      throw new PermanentSendError('password_reset payload is not {email}');
    // A retry after a failure here issues a fresh code, retiring the earlier one.
    await inTransaction(deps.db, async (trx) => {
      const user = await findUserByEmail(trx, email);
      if (user?.status !== 'active') return;
      const issued = await deps.otp.issueCode(trx, {
        purpose: 'password_reset',
        userId: user.id,
        target: email,
        codeTtlSeconds: RESET_MINUTES * 60,
        tokenTtlSeconds: RESET_MINUTES * 60,
      });
      const link = `${deps.publicUrl}/reset-password?token=${encodeURIComponent(issued.token!)}`;
      await deps.mail.queue(
        trx,
        email,
        passwordResetCode({ code: issued.code, link, minutes: RESET_MINUTES }),
      );
    });
  };
}
