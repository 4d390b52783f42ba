import Stripe from 'stripe';
import { recordAuditEvent, type AuditActor } from '../audit';
import type { Db } from '../db';
import { AppError } from '../errors';
import { invalidateLicensePolicy } from '../licensing/license-cache';
import { securityPolicy } from '../security/policy';
import { handleStripeEvent, type HandledEvent } from './event-handlers';
import { StripeDisputeObject, StripeEventEnvelope } from './stripe-objects';
import { markOverdueLicenses } from './subscription-licenses';

/**
 * POST /api/webhooks/stripe, without HTTP: the signature over the raw body, then each event id
 * applied exactly once. The event row's primary key is the guard: a delivery inserts it and
 * applies the event in the same transaction, so concurrent duplicates wait on the insert and
 * then find it done. A failure is stored (FAILED, with its error) for Stripe's redelivery or an
 * admin's "process again" from the stored payload.
 */

export type WebhookVerification = { ok: true; event: StripeEventEnvelope; payload: unknown } | { ok: false; reason: string; signatureFailed: boolean };

export function verifyStripeWebhook(rawBody: Uint8Array, signatureHeader: string | null, secret: string, now = new Date()): WebhookVerification {
  if (!signatureHeader) return { ok: false, reason: 'The Stripe-Signature header is missing.', signatureFailed: true };
  const tolerance = securityPolicy().billing.webhookToleranceSeconds;
  try {
    Stripe.webhooks.signature!.verifyHeader(Buffer.from(rawBody), signatureHeader, secret, tolerance, undefined, now.getTime());
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : 'The signature does not verify.', signatureFailed: true };
  }
  // The library refuses old signatures only; one dated in the future beyond the tolerance is refused too.
  const signedAt = Number(/(?:^|,)t=(\d+)/.exec(signatureHeader)?.[1]);
  if (signedAt * 1000 > now.getTime() + tolerance * 1000) return { ok: false, reason: 'Timestamp outside the tolerance zone (in the future)', signatureFailed: true };
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(rawBody));
  } catch {
    return { ok: false, reason: 'The body is not JSON.', signatureFailed: false };
  }
  const parsed = StripeEventEnvelope.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: 'The body is not a Stripe event.', signatureFailed: false };
  return { ok: true, event: parsed.data, payload };
}

/** A refused signature is a security event: audited as a warning, and alerted once an hour per address. */
export async function recordWebhookSignatureFailure(db: Db, input: { ip: string; userAgent: string | null; reason: string }, now = new Date()) {
  await db.$transaction(async (tx) => {
    await recordAuditEvent(tx, {
      actor: { type: 'system', label: 'stripe webhook' },
      action: 'billing.webhook_signature_invalid',
      ip: input.ip,
      userAgent: input.userAgent,
      severity: 'WARNING',
      metadata: { reason: input.reason },
    });
    const recent = await tx.securityAlert.findFirst({
      where: { rule: 'stripe_webhook_signature', ip: input.ip, createdAt: { gte: new Date(now.getTime() - 60 * 60 * 1000) } },
      select: { id: true },
    });
    if (!recent) {
      await tx.securityAlert.create({
        data: { rule: 'stripe_webhook_signature', severity: 'WARNING', title: `A Stripe webhook with an invalid signature came from ${input.ip}.`, detail: { reason: input.reason }, ip: input.ip, createdAt: now },
      });
    }
  });
}

export type BillingDeps = {
  /** For the lookups an event needs beyond its payload (a disputed charge's customer); null when Stripe is not configured. */
  stripe: Stripe | null;
  now?: Date;
};

export type StripeEventResult = { status: HandledEvent['status'] | 'DUPLICATE' | 'FAILED'; detail: string | null };

const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 30_000 };

/** The customer of a disputed charge that the event names by id only, asked of Stripe outside the transaction. */
async function disputeCustomerOf(event: StripeEventEnvelope, stripe: Stripe | null): Promise<string | null> {
  if (event.type !== 'charge.dispute.created') return null;
  const dispute = StripeDisputeObject.safeParse(event.data.object);
  if (!dispute.success || typeof dispute.data.charge !== 'string' || !stripe) return null;
  const charge = await stripe.charges.retrieve(dispute.data.charge);
  return typeof charge.customer === 'string' ? charge.customer : (charge.customer?.id ?? null);
}

function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(0, 2000);
}

async function recordFailure(db: Db, event: StripeEventEnvelope, payload: unknown, detail: string, now: Date) {
  // Never turns a processed event back into a failed one (a duplicate that failed to start, say).
  await db.$executeRaw`
    INSERT INTO "StripeEvent" ("id", "type", "status", "error", "attempts", "payload", "createdAt", "receivedAt")
    VALUES (${event.id}, ${event.type}, 'FAILED'::"StripeEventStatus", ${detail}, 1, ${JSON.stringify(payload)}::jsonb, ${new Date(event.created * 1000)}, ${now})
    ON CONFLICT ("id") DO UPDATE SET "status" = 'FAILED'::"StripeEventStatus", "error" = EXCLUDED."error", "attempts" = "StripeEvent"."attempts" + 1
    WHERE "StripeEvent"."status" IN ('RECEIVED', 'FAILED')`;
}

type Delivery = { kind: 'delivery' } | { kind: 'reprocess'; actor: AuditActor; meta: { ip?: string | null; userAgent?: string | null } };

async function applyStripeEvent(db: Db, event: StripeEventEnvelope, payload: unknown, deps: BillingDeps, delivery: Delivery): Promise<StripeEventResult> {
  const now = deps.now ?? new Date();
  const eventAt = new Date(event.created * 1000);
  const touched = new Set<string>();
  let result: StripeEventResult;
  try {
    const disputeCustomer = await disputeCustomerOf(event, deps.stripe);
    result = await db.$transaction(async (tx) => {
      if (delivery.kind === 'delivery') {
        const inserted = await tx.$queryRaw<{ id: string }[]>`
          INSERT INTO "StripeEvent" ("id", "type", "status", "attempts", "payload", "createdAt", "receivedAt")
          VALUES (${event.id}, ${event.type}, 'RECEIVED'::"StripeEventStatus", 0, ${JSON.stringify(payload)}::jsonb, ${eventAt}, ${now})
          ON CONFLICT ("id") DO NOTHING RETURNING "id"`;
        if (inserted.length === 0) {
          const [stored] = await tx.$queryRaw<{ status: string }[]>`SELECT "status"::text AS "status" FROM "StripeEvent" WHERE "id" = ${event.id} FOR UPDATE`;
          if (stored?.status !== 'FAILED') return { status: 'DUPLICATE' as const, detail: null };
        }
      } else {
        const [stored] = await tx.$queryRaw<{ status: string }[]>`SELECT "status"::text AS "status" FROM "StripeEvent" WHERE "id" = ${event.id} FOR UPDATE`;
        if (stored?.status !== 'FAILED') return { status: 'DUPLICATE' as const, detail: null };
        await recordAuditEvent(tx, { actor: delivery.actor, action: 'billing.event_reprocess', target: { type: 'stripe_event', id: event.id }, ip: delivery.meta.ip, userAgent: delivery.meta.userAgent, metadata: { type: event.type } });
      }
      const handled = await handleStripeEvent({ tx, event, eventAt, now, touched, disputeCustomer });
      await tx.stripeEvent.update({
        where: { id: event.id },
        data: { status: handled.status, error: handled.detail, customerId: handled.customerId, attempts: { increment: 1 }, processedAt: now },
      });
      return { status: handled.status, detail: handled.detail };
    }, TRANSACTION_OPTIONS);
  } catch (error) {
    const detail = describeFailure(error);
    await recordFailure(db, event, payload, detail, now);
    return { status: 'FAILED', detail };
  }
  for (const licenseId of touched) invalidateLicensePolicy(licenseId);
  // Every delivery also settles any grace that ran out meanwhile; a failure here must not fail the delivery.
  await markOverdueLicenses(db, now).catch((error: unknown) => console.error('Marking overdue licenses failed:', error instanceof Error ? error.message : error));
  return result;
}

/** One verified delivery. A known event (processed or ignored) is acknowledged without work; a failed one is tried again. */
export async function receiveStripeEvent(db: Db, input: { event: StripeEventEnvelope; payload: unknown }, deps: BillingDeps): Promise<StripeEventResult> {
  const stored = await db.stripeEvent.findUnique({ where: { id: input.event.id }, select: { status: true } });
  if (stored && stored.status !== 'FAILED') return { status: 'DUPLICATE', detail: null };
  return applyStripeEvent(db, input.event, input.payload, deps, { kind: 'delivery' });
}

/** An admin's "process again" of a failed event, from the payload stored when it arrived. */
export async function reprocessStripeEvent(db: Db, eventId: string, deps: BillingDeps, context: { actor: AuditActor; meta?: { ip?: string | null; userAgent?: string | null } }) {
  const stored = await db.stripeEvent.findUnique({ where: { id: eventId }, select: { status: true, payload: true } });
  if (!stored) throw new AppError('NOT_FOUND', 'That Stripe event was never received.');
  if (stored.status !== 'FAILED') throw new AppError('CONFLICT', `Only a failed event can be processed again; this one is ${stored.status.toLowerCase()}.`);
  const event = StripeEventEnvelope.safeParse(stored.payload);
  if (!event.success) throw new AppError('CONFLICT', 'The stored payload is not a Stripe event.');
  const result = await applyStripeEvent(db, event.data, stored.payload, deps, { kind: 'reprocess', actor: context.actor, meta: context.meta ?? {} });
  if (result.status === 'DUPLICATE') throw new AppError('CONFLICT', 'The event was processed meanwhile.');
  return result;
}
