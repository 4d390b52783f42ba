import { createHash } from 'node:crypto';
import { test as base } from '@playwright/test';

/**
 * The e2e server trusts one proxy hop (TRUST_PROXY=1), so each test presents its own client
 * address in X-Forwarded-For, as users behind a load balancer would. Per-IP limits (5 sign-ins a
 * minute) then apply per test instead of to the whole suite, which all comes from 127.0.0.1.
 */
export function clientAddressFor(label: string): string {
  const digest = createHash('sha256').update(label).digest();
  return `198.18.${digest[0]}.${digest[1]}`;
}

export const test = base.extend({
  extraHTTPHeaders: async ({ extraHTTPHeaders }, provide, testInfo) => {
    await provide({ ...extraHTTPHeaders, 'x-forwarded-for': clientAddressFor(testInfo.testId) });
  },
});

export { expect } from '@playwright/test';
