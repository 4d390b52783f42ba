import { receiveStripeEvent, recordWebhookSignatureFailure, stripeClientFromEnv, verifyStripeWebhook } from '@/server/billing';
import { getDb } from '@/server/db';
import { getEnv } from '@/server/env';
import { methodNotAllowed, protocolError, readBodyWithin } from '@/server/http/license-api-route';
import { requestMeta } from '@/server/http/request-meta';
import { securityPolicy } from '@/server/security/policy';
import { consumeRateLimit, rateLimitHeaders } from '@/server/security/rate-limit';

/**
 * Stripe's webhook endpoint: rate limited per address, the signature verified over the raw
 * body, each event applied once. 2xx acknowledges (applied, ignored or already seen); a
 * processing failure answers 500 so that Stripe delivers the event again.
 */
export async function POST(request: Request): Promise<Response> {
  const env = getEnv();
  const meta = requestMeta(request.headers, env.TRUST_PROXY);
  const limit = await consumeRateLimit('stripeWebhook', meta.ip);
  if (!limit.allowed) return protocolError(429, 'RATE_LIMITED', 'Too many webhook deliveries. Retry after the time in the Retry-After header.', rateLimitHeaders(limit));
  if (!env.STRIPE_WEBHOOK_SECRET) return protocolError(404, 'NOT_FOUND', 'Stripe webhooks are not configured on this server (STRIPE_WEBHOOK_SECRET).');

  const db = await getDb();
  const body = await readBodyWithin(request, securityPolicy().billing.webhookMaxBodyBytes);
  if (!body) return protocolError(413, 'PAYLOAD_TOO_LARGE', 'The event is larger than a Stripe event can be.');
  const verified = verifyStripeWebhook(body, request.headers.get('stripe-signature'), env.STRIPE_WEBHOOK_SECRET);
  if (!verified.ok) {
    if (verified.signatureFailed) await recordWebhookSignatureFailure(db, { ip: meta.ip, userAgent: meta.userAgent, reason: verified.reason });
    return protocolError(400, 'BAD_REQUEST', verified.signatureFailed ? 'The Stripe-Signature does not verify.' : verified.reason);
  }
  const result = await receiveStripeEvent(db, { event: verified.event, payload: verified.payload }, { stripe: stripeClientFromEnv(env) });
  if (result.status === 'FAILED') return protocolError(500, 'PROCESSING_FAILED', 'The event could not be applied; it is stored and will be applied on redelivery.');
  return Response.json({ received: true, status: result.status.toLowerCase() }, { headers: { 'Cache-Control': 'no-store' } });
}

export const GET = methodNotAllowed('POST');
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
