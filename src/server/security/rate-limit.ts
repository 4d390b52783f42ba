import { createHash } from 'node:crypto';
import { Ratelimit } from '@upstash/ratelimit';
import { Redis as UpstashRedis } from '@upstash/redis';
import type Redis from 'ioredis';
import { getEnv } from '../env';
import { getRedis } from '../redis';
import { RATE_LIMITS, type RateLimitName } from './policy';

/**
 * Rate limits from the policy table, counted in a sliding window. Shared across instances
 * through Upstash (REST) or a TCP Redis; in memory when neither is configured, and per instance
 * while Redis is unreachable (the request is still limited, never let through unchecked).
 */

export type RateLimitResult = {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window ends. */
  resetSeconds: number;
  /** Seconds to wait before retrying; 0 when allowed. */
  retryAfterSeconds: number;
  /** Where it was counted: shared store, or this instance only. */
  scope: 'shared' | 'instance';
};

type RateLimitDefinition = { limit: number; windowSeconds: number };
type Limiter = { limit(identifier: string): Promise<{ success: boolean; limit: number; remaining: number; reset: number }> };

/**
 * The few calls @upstash/ratelimit makes, over ioredis. Its Lua scripts carry an Upstash-only
 * shebang flag that Redis refuses, so scripts are sent without that line and their SHAs mapped.
 */
class IoRedisScriptAdapter {
  private readonly loadedScripts = new Map<string, string>();

  constructor(private readonly redis: Redis) {}

  async evalsha(sha: string, keys: string[], args: unknown[]): Promise<unknown> {
    const ours = this.loadedScripts.get(sha);
    if (!ours) throw new Error('NOSCRIPT script not loaded through this adapter yet');
    return this.redis.evalsha(ours, keys.length, ...keys, ...args.map(String));
  }

  async eval(script: string, keys: string[], args: unknown[]): Promise<unknown> {
    const runnable = script.replace(/^#!lua[^\n]*\n/, '');
    const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
    this.loadedScripts.set(sha1(script), sha1(runnable));
    return this.redis.eval(runnable, keys.length, ...keys, ...args.map(String));
  }
}

/** The same sliding-window estimate as the Redis script, for one process. */
export class MemorySlidingWindow implements Limiter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly definition: RateLimitDefinition, private readonly now: () => number = Date.now) {}

  async limit(identifier: string) {
    const windowMs = this.definition.windowSeconds * 1000;
    const now = this.now();
    const current = Math.floor(now / windowMs);
    const currentKey = `${identifier}:${current}`;
    const inCurrent = this.counts.get(currentKey) ?? 0;
    const inPrevious = Math.floor((1 - (now % windowMs) / windowMs) * (this.counts.get(`${identifier}:${current - 1}`) ?? 0));
    const reset = (current + 1) * windowMs;
    if (inCurrent + inPrevious >= this.definition.limit) {
      return { success: false, limit: this.definition.limit, remaining: 0, reset };
    }
    this.counts.set(currentKey, inCurrent + 1);
    this.forgetOldWindows(current);
    return { success: true, limit: this.definition.limit, remaining: Math.max(0, this.definition.limit - inCurrent - inPrevious - 1), reset };
  }

  private forgetOldWindows(current: number) {
    if (this.counts.size < 10_000) return;
    for (const key of this.counts.keys()) {
      if (Number(key.slice(key.lastIndexOf(':') + 1)) < current - 1) this.counts.delete(key);
    }
  }
}

type LimiterPair = { shared: Limiter | null; instance: Limiter };
const limiters = new Map<string, LimiterPair>();
let configuredStore: SharedStore | Redis | null | undefined;

/** Upstash over REST when configured, else the TCP Redis, else none (memory only). */
function sharedStore(): SharedStore | Redis | null {
  if (configuredStore !== undefined) return configuredStore;
  const env = getEnv();
  configuredStore =
    env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN
      ? new UpstashRedis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN })
      : getRedis();
  return configuredStore;
}

type SharedStore = ConstructorParameters<typeof Ratelimit>[0]['redis'];

/** A sliding-window limiter over a shared store; the key prefix separates limits and deployments. */
export function createSharedLimiter(store: SharedStore | Redis, definition: RateLimitDefinition, prefix: string): Limiter {
  const redis = isIoRedis(store) ? (new IoRedisScriptAdapter(store) as unknown as SharedStore) : store;
  return new Ratelimit({
    redis,
    limiter: Ratelimit.slidingWindow(definition.limit, `${definition.windowSeconds} s`),
    prefix,
    ephemeralCache: false,
    analytics: false,
  });
}

function isIoRedis(store: SharedStore | Redis): store is Redis {
  return typeof (store as Redis).evalsha === 'function' && typeof (store as Redis).pipeline === 'function';
}

function limiterFor(name: string, definition: RateLimitDefinition): LimiterPair {
  const cacheKey = `${name}:${definition.limit}:${definition.windowSeconds}`;
  let pair = limiters.get(cacheKey);
  if (!pair) {
    const store = sharedStore();
    pair = {
      shared: store ? createSharedLimiter(store, definition, `${getEnv().REDIS_KEY_PREFIX}rl:${cacheKey}`) : null,
      instance: new MemorySlidingWindow(definition),
    };
    limiters.set(cacheKey, pair);
  }
  return pair;
}

// After a failure the shared store is skipped for a few seconds, so an outage costs one timeout, not one per request.
const SHARED_STORE_RETRY_MS = 5000;
let sharedStoreFailing = false;
let retrySharedStoreAt = 0;

function toResult(outcome: { success: boolean; limit: number; remaining: number; reset: number }, scope: RateLimitResult['scope']): RateLimitResult {
  const resetSeconds = Math.max(0, Math.ceil((outcome.reset - Date.now()) / 1000));
  return {
    allowed: outcome.success,
    limit: outcome.limit,
    remaining: outcome.remaining,
    resetSeconds,
    retryAfterSeconds: outcome.success ? 0 : Math.max(1, resetSeconds),
    scope,
  };
}

/**
 * Counts one request of `identifier` against the named limit. `limitOverride` replaces the
 * policy's count (an API key's own limit, for example) while keeping its window.
 */
export async function consumeRateLimit(name: RateLimitName, identifier: string, limitOverride?: number): Promise<RateLimitResult> {
  const definition = { ...RATE_LIMITS[name], ...(limitOverride ? { limit: limitOverride } : {}) };
  const pair = limiterFor(name, definition);
  if (pair.shared && (!sharedStoreFailing || Date.now() >= retrySharedStoreAt)) {
    try {
      const outcome = await pair.shared.limit(identifier);
      if (sharedStoreFailing) {
        sharedStoreFailing = false;
        console.warn('Rate limits: the shared store answers again; limits are shared across instances.');
      }
      return toResult(outcome, 'shared');
    } catch (error) {
      retrySharedStoreAt = Date.now() + SHARED_STORE_RETRY_MS;
      if (!sharedStoreFailing) {
        sharedStoreFailing = true;
        console.warn(`Rate limits: the shared store is unreachable (${error instanceof Error ? error.message : String(error)}); counting per instance until it returns.`);
      }
    }
  }
  return toResult(await pair.instance.limit(identifier), 'instance');
}

/** Several limits counted at once: with Redis, one pipelined round trip. */
export async function consumeRateLimits(checks: { name: RateLimitName; identifier: string; limitOverride?: number }[]): Promise<RateLimitResult[]> {
  return Promise.all(checks.map((check) => consumeRateLimit(check.name, check.identifier, check.limitOverride)));
}

/** Headers of a rate-limited answer (PROTOCOL.md section 6): all non-negative integers. */
export function rateLimitHeaders(result: RateLimitResult): Record<string, string> {
  return {
    'RateLimit-Limit': String(result.limit),
    'RateLimit-Remaining': String(result.remaining),
    'RateLimit-Reset': String(result.resetSeconds),
    ...(result.allowed ? {} : { 'Retry-After': String(result.retryAfterSeconds) }),
  };
}

