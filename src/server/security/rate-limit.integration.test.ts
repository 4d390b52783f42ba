import Redis from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { describeWithRedis, unique } from '../../../tests/helpers';
import { TEST_REDIS_URL } from '../../../tests/services';
import { consumeRateLimit, createSharedLimiter, MemorySlidingWindow, rateLimitHeaders } from './rate-limit';

describe('in-memory sliding window', () => {
  it('admits the limit, refuses the next, and weighs the previous window as it slides out', async () => {
    let now = 1_000_000 * 60_000; // the start of a window
    const limiter = new MemorySlidingWindow({ limit: 5, windowSeconds: 60 }, () => now);
    const outcomes = [];
    for (let i = 0; i < 6; i += 1) outcomes.push((await limiter.limit('ip-1')).success);
    expect(outcomes).toEqual([true, true, true, true, true, false]);
    expect((await limiter.limit('ip-2')).success).toBe(true);

    now += 60_000; // next window starts: all 5 of the previous window still weigh in
    expect((await limiter.limit('ip-1')).success).toBe(false);
    now += 30_000; // half-way: the previous window counts for floor(0.5 * 5) = 2
    const halfway = [];
    for (let i = 0; i < 4; i += 1) halfway.push((await limiter.limit('ip-1')).success);
    expect(halfway).toEqual([true, true, true, false]);
  });
});

describeWithRedis('shared limits over a TCP Redis', () => {
  const clients: Redis[] = [];
  const client = () => {
    const redis = new Redis(TEST_REDIS_URL, { enableAutoPipelining: true, lazyConnect: false });
    clients.push(redis);
    return redis;
  };
  afterAll(() => clients.forEach((redis) => redis.disconnect()));

  it('hold across two instances with their own connections', async () => {
    const prefix = `test:${unique('rl')}`;
    const definition = { limit: 10, windowSeconds: 60 };
    const instanceA = createSharedLimiter(client(), definition, prefix);
    const instanceB = createSharedLimiter(client(), definition, prefix);
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? instanceA : instanceB).limit('license-1')));
    expect(results.filter((result) => result.success)).toHaveLength(10);
    expect(results.filter((result) => !result.success).every((result) => result.remaining === 0)).toBe(true);
  });

  it('load their scripts again after Redis forgets them', async () => {
    const redis = client();
    const prefix = `test:${unique('rl')}`;
    const limiter = createSharedLimiter(redis, { limit: 3, windowSeconds: 60 }, prefix);
    expect((await limiter.limit('a')).success).toBe(true);
    await redis.script('FLUSH');
    expect((await limiter.limit('a')).success).toBe(true);
    expect((await limiter.limit('a')).success).toBe(true);
    expect((await limiter.limit('a')).success).toBe(false);
  });

  it('answer through the policy table with the headers of a 429', async () => {
    const identifier = unique('ip');
    const results = [];
    for (let i = 0; i < 6; i += 1) results.push(await consumeRateLimit('signInPerIp', identifier));
    expect(results.map((result) => result.allowed)).toEqual([true, true, true, true, true, false]);
    const refused = results[5]!;
    expect(refused.scope).toBe('shared');
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    const headers = rateLimitHeaders(refused);
    expect(headers).toMatchObject({ 'RateLimit-Limit': '5', 'RateLimit-Remaining': '0' });
    for (const value of Object.values(headers)) expect(value).toMatch(/^\d+$/);
    expect(headers['Retry-After']).toBe(String(refused.retryAfterSeconds));
    expect(rateLimitHeaders(results[0]!)['Retry-After']).toBeUndefined();
  });

  it('reports an unreachable store as an error, which consumeRateLimit answers by counting per instance', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    clients.push(unreachable);
    const limiter = createSharedLimiter(unreachable, { limit: 2, windowSeconds: 60 }, 'test:down');
    await expect(limiter.limit('x')).rejects.toThrow();
  });
});
