import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../clock.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { spendSharedBudget, usedOf } from './shared-budget.ts';

const budget = {
  soft: { limit: 3, windowSeconds: 60 },
  newcomerSends: 1,
  hard: { limit: 5, windowSeconds: 60 },
};

describe('shared budget', () => {
  it('refuses nobody while the soft budget lasts, then only networks that sent more than a few, up to the ceiling', async () => {
    const clock = new ManualClock();
    const limiter = createRateLimiter({ clock });
    const spend = async (networkUsed: number) =>
      (await spendSharedBudget(limiter, 'b', networkUsed, budget)).allowed;
    // One busy network spends the soft budget...
    assert.deepEqual([await spend(1), await spend(2), await spend(3)], [true, true, true]);
    // ...and is refused from then on, while networks sending their first get through...
    assert.equal(await spend(4), false);
    assert.equal(await spend(1), true);
    assert.equal(await spend(1), true);
    // ...until the hard ceiling (5 let through in all) refuses everyone.
    const refused = await spendSharedBudget(limiter, 'b', 1, budget);
    assert.equal(refused.allowed, false);
    assert.ok(refused.retryAfterSeconds > 0);
    clock.advance(120_000);
    assert.equal(await spend(9), true);
  });

  it('usedOf counts the request just let through', async () => {
    const limiter = createRateLimiter({ clock: new ManualClock() });
    const rule = { limit: 5, windowSeconds: 60 };
    assert.equal(usedOf(rule, await limiter.consume('k', rule)), 1);
    assert.equal(usedOf(rule, await limiter.consume('k', rule)), 2);
  });
});
