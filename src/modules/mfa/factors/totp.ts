// Authenticator apps (RFC 6238). The secret is encrypted at rest, bound to its
// account; a code's time step is burnt when it is accepted, so the same code
// never works twice, not even in two requests racing with it.
import type { Clock } from '../../../platform/clock.ts';
import type { Encrypter } from '../../../platform/crypto/encryption.ts';
import { generateTotpSecret, totpQrSvg, totpUri, verifyTotp } from '../../../platform/crypto/totp.ts';
import type { Executor } from '../../../platform/db/executor.ts';
import { newId } from '../../../platform/ids.ts';
import type { User } from '../../users/index.ts';
import type { EnrolledFactor } from '../factor.ts';
import { mfaError } from '../mfa.errors.ts';
import { findFactor, upsertPendingFactor, useTotpStep } from '../mfa.repository.ts';

export interface TotpEnrollment {
  readonly secret: string;
  readonly otpauthUrl: string;
  readonly qrSvg: string;
}

export function createTotpFactor(deps: {
  readonly db: Executor;
  readonly clock: Clock;
  readonly encrypter: Encrypter;
  /** Shown in authenticator apps. */
  readonly issuer: string;
}): EnrolledFactor<TotpEnrollment> {
  const { db, clock, encrypter } = deps;
  const secretContext = (userId: string) => `mfa_totp:${userId}`;
  return {
    method: 'totp',
    amr: 'otp',
    name: 'An authenticator app',

    /** A new secret, pending until a code from it turns it on; an app that is on stays. */
    async enroll(user: User) {
      const existing = await findFactor(db, user.id, 'totp');
      if (existing?.enabled_at) throw mfaError('mfa_already_enabled');
      const secret = generateTotpSecret();
      await upsertPendingFactor(db, {
        id: newId(),
        userId: user.id,
        type: 'totp',
        secret: encrypter.encrypt(secret, secretContext(user.id)),
        now: clock.now().toISOString(),
      });
      const otpauthUrl = totpUri({
        secret,
        account: user.email ?? user.phone ?? user.username ?? user.id,
        issuer: deps.issuer,
      });
      return { secret, otpauthUrl, qrSvg: await totpQrSvg(otpauthUrl) };
    },

    async verify(executor, { code, row }) {
      if (!row?.secret) return false;
      const step = verifyTotp({
        secret: encrypter.decrypt(row.secret, secretContext(row.user_id)),
        code,
        now: clock.now(),
        lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step),
      });
      return step !== null && (await useTotpStep(executor, row.id, step));
    },
  };
}
