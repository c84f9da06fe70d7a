// For tests that need a real Redis: where it is, whether it answers, and how
// to remove what a run wrote. Without Redis the suites are skipped, unless
// CI=true, where they fail.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const testRedisUrl = process.env.ROSTER_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key (and channel) prefix no other run shares. */
export const uniquePrefix = (label: string): string => `roster-test:${label}:${randomUUID()}:`;

/** Resolves to `false` (skip) or to a reason string; throws under CI when Redis is down. */
export async function skipWithoutRedis(): Promise<false | string> {
  const probe = new Redis(testRedisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
    return false;
  } catch {
    const ci = process.env.CI === 'true' || process.env.CI === '1';
    if (ci) throw new Error(`Redis at ${testRedisUrl} is unreachable and CI=true`);
    return `Redis at ${testRedisUrl} is unreachable`;
  } finally {
    probe.disconnect();
  }
}

export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
