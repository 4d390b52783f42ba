import { randomBytes } from 'node:crypto';
import { describe, inject } from 'vitest';

/** Integration suites run against the real PostgreSQL; they are skipped (loudly, see global-setup) only locally without it. */
export const describeWithDatabase = describe.runIf(inject('databaseAvailable'));
export const describeWithRedis = describe.runIf(inject('redisAvailable'));

/** A short random suffix so that every test creates its own uniquely named rows. */
export function unique(label = 'x'): string {
  return `${label}-${randomBytes(5).toString('hex')}`;
}

export function uniqueEmail(label = 'user'): string {
  return `${unique(label)}@example.test`;
}
