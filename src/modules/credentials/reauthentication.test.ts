// Freshness as the domain checks it: surfaces without a re-authentication
// field allow a sensitive change only within ROSTER_REAUTH_MAX_AGE of a full
// sign-in of the same session; the native API always wants proof.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../platform/clock.ts';
import { DomainError } from '../../platform/domain-error.ts';
import type { Principal } from '../sessions/index.ts';
import type { User } from '../users/index.ts';
import { createReauthenticator, type Reauthentication } from './reauthentication.ts';

const clock = new ManualClock('2026-06-01T12:00:00Z');
const user = { id: 'u1', phoneVerifiedAt: '2026-05-01T00:00:00.000Z' } as User;
const signedInAt = (iso: string): Principal => ({
  userId: 'u1',
  sessionId: 's1',
  scope: 'user',
  authTime: iso,
  amr: ['pwd'],
});
const refused = (code: string) => (error: unknown) => error instanceof DomainError && error.code === code;

function reauth(hasPassword: boolean) {
  const calls: string[] = [];
  const r = createReauthenticator({
    clock,
    maxAgeSeconds: 300,
    hasPassword: async () => hasPassword,
    verifyPassword: async (_u, password, _ip) => password === 'right',
    verifyFactorCode: async (_u, code, before) => {
      calls.push(`factor:${code}:${before}`);
    },
    confirmOwnNumber: async (_u, input) => {
      calls.push(`sms:${input.oti}`);
    },
  });
  return { r, calls };
}

describe('re-authentication', () => {
  const ctx = { ip: '127.0.0.1', userAgent: null };
  const ask = (r: ReturnType<typeof reauth>['r'], u: User, principal: Principal, given: Reauthentication) =>
    r.reauthenticate(u, { principal, context: ctx, given });

  it('recent-sign-in: allowed within the window of the session sign-in, refused after it', async () => {
    const { r } = reauth(true);
    const recent = { kind: 'recent-sign-in' } as const;
    await ask(r, user, signedInAt('2026-06-01T11:56:00.000Z'), recent);
    await assert.rejects(
      ask(r, user, signedInAt('2026-06-01T11:54:59.000Z'), recent),
      refused('reauthentication_required'),
    );
    // A sign-in time in the future (a skewed or forged value) is not fresh.
    await assert.rejects(
      ask(r, user, signedInAt('2026-06-01T12:10:00.000Z'), recent),
      refused('reauthentication_required'),
    );
  });

  it('proof: a password account needs its password, however recent the sign-in', async () => {
    const { r } = reauth(true);
    const now = signedInAt(clock.now().toISOString());
    await assert.rejects(
      ask(r, user, now, { kind: 'proof', proof: {} }),
      refused('reauthentication_required'),
    );
    await assert.rejects(
      ask(r, user, now, { kind: 'proof', proof: { currentPassword: 'wrong' } }),
      refused('invalid_password'),
    );
    await assert.rejects(
      ask(r, user, now, { kind: 'proof', proof: { confirmCode: '123456' } }),
      refused('reauthentication_required'),
      'a code does not replace the password',
    );
    await ask(r, user, now, { kind: 'proof', proof: { currentPassword: 'right' } });
  });

  it('proof without a password: a factor from before the sign-in, or the number verified before it', async () => {
    const { r, calls } = reauth(false);
    assert.equal(await r.requiredProof(user), 'code');
    assert.equal(await reauth(true).r.requiredProof(user), 'password');
    const session = signedInAt('2026-06-01T11:00:00.000Z');
    await ask(r, user, session, { kind: 'proof', proof: { confirmCode: '111111' } });
    await ask(r, user, session, { kind: 'proof', proof: { confirmCode: '222222', confirmOti: 'o1' } });
    // A phone sign-up proves its number in the very sign-in that opened the session.
    const signedUpBy = { ...user, phoneVerifiedAt: session.authTime } as User;
    await ask(r, signedUpBy, session, { kind: 'proof', proof: { confirmCode: '4', confirmOti: 'o3' } });
    assert.deepEqual(calls, ['factor:111111:2026-06-01T11:00:00.000Z', 'sms:o1', 'sms:o3']);
    const linkedSince = { ...user, phoneVerifiedAt: '2026-06-01T11:30:00.000Z' } as User;
    await assert.rejects(
      ask(r, linkedSince, session, { kind: 'proof', proof: { confirmCode: '3', confirmOti: 'o2' } }),
      refused('reauthentication_required'),
      'a number linked in this session cannot vouch for it',
    );
  });
});
