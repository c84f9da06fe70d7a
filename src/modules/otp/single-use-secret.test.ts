// The single-use machinery's order of work, against a store that records its
// calls: a try is taken before the secret is checked, a dead secret costs
// nothing and is never checked, and use is the store's once-only update.
// (The atomicity under concurrency is the database's: the e2e suites race
// parallel guesses and parallel right codes on both dialects.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../platform/clock.ts';
import { hmacSha256 } from '../../platform/crypto/tokens.ts';
import type { Executor } from '../../platform/db/executor.ts';
import {
  createSingleUse,
  keyedHash,
  type SingleUseState,
  type SingleUseStore,
  sameHash,
} from './single-use-secret.ts';

const clock = new ManualClock('2026-06-01T12:00:00Z');
const db = {} as Executor;
const live: SingleUseState = { id: 's1', expiresAt: '2026-06-01T12:05:00.000Z', attempts: 0, usedAt: null };

function recordingStore(tries: { left: number }, calls: string[]): SingleUseStore {
  return {
    async countAttempt(_db, id, max) {
      calls.push(`count:${id}:${max}`);
      if (tries.left === 0) return false;
      tries.left--;
      return true;
    },
    async markUsed(_db, id) {
      calls.push(`use:${id}`);
      return calls.filter((c) => c === `use:${id}`).length === 1;
    },
  };
}

describe('single-use secret', () => {
  it('takes the try before checking, and checks nothing once the tries are gone', async () => {
    const calls: string[] = [];
    const secrets = createSingleUse(recordingStore({ left: 1 }, calls), { clock, maxAttempts: 5 });
    const wrong = await secrets.attempt(db, live, () => {
      calls.push('check');
      return false;
    });
    assert.deepEqual(wrong, { ok: false, counted: true });
    const late = await secrets.attempt(db, live, () => {
      calls.push('check');
      return true;
    });
    assert.deepEqual(late, { ok: false, counted: false }, 'a try lost to the cap is not evaluated');
    assert.deepEqual(calls, ['count:s1:5', 'check', 'count:s1:5']);
  });

  it('a used, expired or spent secret is dead: no try is taken, nothing is checked', async () => {
    const calls: string[] = [];
    const secrets = createSingleUse(recordingStore({ left: 9 }, calls), { clock, maxAttempts: 5 });
    const never = () => {
      calls.push('check');
      return true;
    };
    for (const dead of [
      { ...live, usedAt: '2026-06-01T11:59:00.000Z' },
      { ...live, expiresAt: '2026-06-01T12:00:00.000Z' },
      { ...live, attempts: 5 },
    ]) {
      assert.equal(secrets.isLive(dead), false);
      assert.deepEqual(await secrets.attempt(db, dead, never), { ok: false, counted: false });
    }
    assert.deepEqual(calls, []);
    assert.equal(secrets.isLive(live), true);
    assert.deepEqual(await secrets.attempt(db, live, never), { ok: true });
  });

  it('is used up once; a secret without an expiry or a cap of its own needs no count', async () => {
    const calls: string[] = [];
    const store = recordingStore({ left: 0 }, calls);
    const codes = createSingleUse({ markUsed: store.markUsed }, { clock, maxAttempts: null });
    const forever = { ...live, expiresAt: null, attempts: 1000 };
    clock.advance(365 * 86_400_000);
    assert.deepEqual(await codes.attempt(db, forever, () => true), { ok: true });
    assert.equal(await codes.use(db, forever), true);
    assert.equal(await codes.use(db, forever), false, 'the second use loses');
    assert.deepEqual(calls, ['use:s1', 'use:s1']);
  });

  it('hashes a code with what it is bound to, under the key, and compares in constant time', () => {
    const hash = keyedHash('k', 'mfa_email', 'ada@example.com', '123456');
    assert.equal(hash, hmacSha256('k', 'mfa_email\u0000ada@example.com\u0000123456'));
    assert.notEqual(hash, keyedHash('k', 'password_reset', 'ada@example.com', '123456'));
    assert.notEqual(hash, keyedHash('other key', 'mfa_email', 'ada@example.com', '123456'));
    assert.equal(sameHash(hash, keyedHash('k', 'mfa_email', 'ada@example.com', '123456')), true);
    assert.equal(sameHash(hash, hash.slice(1)), false);
    assert.throws(() => keyedHash('', 'x'), RangeError);
  });
});
