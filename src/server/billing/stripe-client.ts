import Stripe from 'stripe';
import { getEnv, type Env } from '../env';

/**
 * The Stripe API client, when STRIPE_SECRET_KEY is set; null means billing is not configured and
 * licensing stays manual. STRIPE_API_BASE_URL points it elsewhere (a local fake in tests).
 */

export type StripeClient = Stripe;

export function createStripeClient(secretKey: string, endpoint?: Env['STRIPE_API_BASE_URL'], { maxNetworkRetries = 2 }: { maxNetworkRetries?: number } = {}): Stripe {
  return new Stripe(secretKey, {
    // Network errors and Stripe's 409/5xx answers are retried with backoff; POSTs carry idempotency keys.
    maxNetworkRetries,
    timeout: 10_000,
    telemetry: false,
    appInfo: { name: 'Licensor' },
    ...(endpoint ?? {}),
  });
}

let cached: { key: string; client: Stripe } | undefined;

export function stripeClientFromEnv(env: Env = getEnv()): Stripe | null {
  if (!env.STRIPE_SECRET_KEY) return null;
  if (cached?.key !== env.STRIPE_SECRET_KEY) cached = { key: env.STRIPE_SECRET_KEY, client: createStripeClient(env.STRIPE_SECRET_KEY, env.STRIPE_API_BASE_URL) };
  return cached.client;
}

/** What the billing pages show: Checkout and the Billing Portal need the secret key, webhooks their signing secret. */
export function billingConfiguration(env: Env = getEnv()) {
  return {
    checkoutEnabled: Boolean(env.STRIPE_SECRET_KEY),
    webhooksEnabled: Boolean(env.STRIPE_WEBHOOK_SECRET),
    webhookUrl: `${env.APP_URL}/api/webhooks/stripe`,
  };
}
