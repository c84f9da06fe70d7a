// Parallel guesses cannot evaluate more secrets than a lockout allows: the
// failure is counted before the secret is checked, in one atomic step of the
// rate limiter (memory, or Redis shared by every node). Here: 30 wrong
// second-factor codes sent at once over six pending sign-ins, and 30 wrong
// passwords sent at once, against lockouts of 10.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { ManualClock } from '../../src/platform/clock.ts';
import { newId } from '../../src/platform/ids.ts';
import { createRateLimiter, type RateLimiter } from '../../src/platform/rate-limit/rate-limiter.ts';
import {
  deleteKeys,
  skipWithoutRedis,
  testRedisUrl,
  uniquePrefix,
} from '../../src/platform/rate-limit/redis-test-support.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { login, post } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { freshEmail, STRONG_PASSWORD, verifiedAccount } from '../helpers/factories.ts';
import { cheapHasher, countingHasher } from '../helpers/hashers.ts';

const LOCKOUT = 10; // the default policy of the MFA and password lockouts
const redisSkip = await skipWithoutRedis();

function suite(label: string, makeLimiter: (clock: ManualClock) => RateLimiter, skip: false | string) {
  describe(`atomic lockouts, ${label} limiter (${testDialect})`, { skip }, () => {
    const clock = new ManualClock(new Date());
    const hasher = countingHasher(cheapHasher());
    let t: TestApp;

    before(async () => {
      t = await buildTestApp({
        clock,
        overrides: { hasher, rateLimiter: makeLimiter(clock) },
        env: { ROSTER_RATE_LIMIT_IP_FACTOR: '0' },
      });
    });
    after(() => t?.close());

    /** Turns email codes on for the account directly: the enrolment flow is another suite's subject. */
    async function enableEmailCodes(userId: string): Promise<void> {
      const now = clock.now().toISOString();
      await t.db.database.db
        .insertInto('mfa_factors')
        .values({
          id: newId(),
          user_id: userId,
          type: 'email',
          secret: null,
          last_used_step: null,
          enabled_at: now,
          created_at: now,
        })
        .execute();
    }

    const failedSecondSteps = async (userId: string) =>
      (
        await t.db.database.db
          .selectFrom('audit_events')
          .select('detail')
          .where('user_id', '=', userId)
          .where('type', '=', 'login.failed')
          .execute()
      ).filter((row) => row.detail !== null && JSON.parse(row.detail).step === 'mfa').length;

    it('30 parallel wrong second-factor codes over six sign-ins evaluate exactly the 10 the lockout allows', async () => {
      const email = freshEmail('mfa-burst');
      const { id: userId } = await verifiedAccount(t, { email });
      await enableEmailCodes(userId);
      // Six pending sign-ins of 5 tries each: 30 tries, three times the account's lockout.
      const tokens: string[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await login(t, email, STRONG_PASSWORD);
        assert.equal(res.statusCode, 200, res.body);
        tokens.push((res.json() as { mfaToken: string }).mfaToken);
      }
      const replies = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          post(t, '/v1/sessions/mfa', { mfaToken: tokens[i % 6], method: 'email', code: '000000' }),
        ),
      );
      const codes = replies.map((r) => (r.json() as { code: string }).code);
      assert.equal(codes.filter((c) => c === 'invalid_mfa_code').length, LOCKOUT, codes.join(' '));
      assert.equal(codes.filter((c) => c === 'rate_limited').length, 30 - LOCKOUT, codes.join(' '));
      // Each evaluated code wrote its audit row; refused ones evaluated nothing.
      assert.equal(await failedSecondSteps(userId), LOCKOUT);
    });

    it('30 parallel wrong passwords at one account reach the hasher exactly 10 times', async () => {
      const email = freshEmail('pwd-burst');
      await verifiedAccount(t, { email });
      hasher.resetCalls();
      const replies = await Promise.all(
        Array.from({ length: 30 }, () => login(t, email, 'wrong guess 123456')),
      );
      assert.equal(hasher.calls.verify + hasher.calls.verifyDummy, LOCKOUT);
      assert.equal(replies.filter((r) => r.statusCode === 401).length, LOCKOUT);
      assert.equal(replies.filter((r) => r.statusCode === 429).length, 30 - LOCKOUT);
    });
  });
}

suite('memory', (clock) => createRateLimiter({ clock }), false);

const keyPrefix = uniquePrefix('atomic-lockout');
const redis = redisSkip ? null : new Redis(testRedisUrl);
after(async () => {
  if (!redis) return;
  await deleteKeys(redis, keyPrefix);
  await redis.quit();
});
suite('Redis', () => createRateLimiter({ redis, keyPrefix }), redisSkip);
