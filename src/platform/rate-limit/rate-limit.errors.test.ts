import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../domain-error.ts';
import { enforce, rateLimited } from './rate-limit.errors.ts';

describe('rate-limit errors', () => {
  it('enforce passes allowed results and unblocked lockouts', () => {
    enforce({ allowed: true, remaining: 3, retryAfterSeconds: 0 });
    enforce({ blocked: false, retryAfterSeconds: 0 });
  });

  it('enforce throws rate_limited with retryAfter for a denial or a block', () => {
    for (const result of [
      { allowed: false, remaining: 0, retryAfterSeconds: 42 },
      { blocked: true, retryAfterSeconds: 42 },
    ]) {
      assert.throws(
        () => enforce(result, 'login per account'),
        (error: unknown) =>
          error instanceof DomainError &&
          error.code === 'rate_limited' &&
          error.kind === 'rate_limited' &&
          error.retryAfter === 42 &&
          error.internal === 'login per account' &&
          error.detail === 'Too many attempts; try again in 42 seconds',
      );
    }
  });

  it('rateLimited never announces a wait under one second', () => {
    assert.equal(rateLimited(0.2).retryAfter, 1);
    assert.equal(rateLimited(1).detail, 'Too many attempts; try again in 1 second');
  });
});
