import Stripe from 'stripe';
import type { z } from 'zod';
import { CreateCheckoutLinkInput, ListBillingPlansInput, SetPlanStripeBillingInput } from '@/lib/schemas/billing';
import { recordAuditEvent, type AuditActor } from '../audit';
import { isUniqueViolation, type Db, type DbOrTx } from '../db';
import { AppError } from '../errors';
import { parseInput } from '../licensing/input';
import { refreshPaymentRisk, PAYMENT_RISK_ACTIONS } from './payment-risk';
import { ENTITLED_STATUSES } from './subscription-licenses';

/** Checkout sessions, Billing Portal sessions, and which Stripe price and meter each plan uses. */

type Meta = { ip?: string | null; userAgent?: string | null };
type Context = { actor: AuditActor; meta?: Meta };

/** Checkout and the Billing Portal need the secret key; without it licensing stays manual. */
function configured(stripe: Stripe | null): Stripe {
  if (!stripe) throw new AppError('PRECONDITION_FAILED', 'Stripe is not configured: an administrator sets STRIPE_SECRET_KEY (see the billing page).');
  return stripe;
}

/** Stripe's refusal, in words an admin or customer can act on; anything else stays unexpected. */
function rethrowStripeError(what: string, error: unknown): never {
  if (error instanceof Stripe.errors.StripeError) throw new AppError('PRECONDITION_FAILED', `Stripe could not ${what}: ${error.message}`);
  throw error;
}

/**
 * A Stripe Checkout session for a customer to subscribe to a plan. It carries Licensor's
 * customer and plan ids (on the session and the subscription), which is how the webhook events
 * find them; the customer's Stripe customer is reused when it has one.
 */
export async function createSubscriptionCheckout(
  db: Db,
  stripe: Stripe | null,
  input: z.input<typeof CreateCheckoutLinkInput> & { successUrl: string; cancelUrl: string },
  { actor, meta }: Context,
  now = new Date(),
) {
  const { customerId, planId } = parseInput(CreateCheckoutLinkInput, input);
  const [customer, plan] = await Promise.all([
    db.customer.findFirst({ where: { id: customerId, anonymizedAt: null }, select: { id: true, email: true, stripeCustomerId: true } }),
    db.plan.findUnique({ where: { id: planId }, select: { id: true, name: true, stripePriceId: true, archivedAt: true } }),
  ]);
  if (!customer) throw new AppError('NOT_FOUND', 'Customer not found.', { field: 'customerId' });
  if (!plan || plan.archivedAt) throw new AppError('NOT_FOUND', 'That plan is not offered.', { field: 'planId' });
  if (!plan.stripePriceId) throw new AppError('PRECONDITION_FAILED', `The plan ${plan.name} has no Stripe price yet: set one under Billing → Plans and prices.`, { field: 'planId' });
  const live = await db.subscription.findFirst({ where: { customerId, planId, status: { in: [...ENTITLED_STATUSES] } }, select: { id: true } });
  if (live) throw new AppError('CONFLICT', `This customer already subscribes to ${plan.name}; change it with Manage billing.`, { field: 'planId' });

  const licensorMetadata = { licensor_customer_id: customer.id, licensor_plan_id: plan.id };
  const session = await configured(stripe)
    .checkout.sessions
    .create({
      mode: 'subscription',
      line_items: [{ price: plan.stripePriceId, quantity: 1 }],
      ...(customer.stripeCustomerId ? { customer: customer.stripeCustomerId } : { customer_email: customer.email }),
      client_reference_id: customer.id,
      metadata: licensorMetadata,
      subscription_data: { metadata: licensorMetadata },
      success_url: input.successUrl,
      cancel_url: input.cancelUrl,
    })
    .catch((error: unknown) => rethrowStripeError('start Checkout', error));
  if (!session.url) throw new AppError('PRECONDITION_FAILED', 'Stripe did not return a Checkout address.');

  await db.$transaction(async (tx) => {
    await recordAuditEvent(tx, {
      actor,
      action: PAYMENT_RISK_ACTIONS.checkout,
      target: { type: 'customer', id: customer.id },
      customerId: customer.id,
      ip: meta?.ip,
      userAgent: meta?.userAgent,
      metadata: { planId: plan.id, checkoutSessionId: session.id },
    });
    // A burst of Checkout sessions is a payment-risk signal (seed 004).
    await refreshPaymentRisk(tx, customer.id, now);
  });
  return { url: session.url, checkoutSessionId: session.id };
}

/** A Billing Portal session where the customer updates payment methods, changes or cancels the subscription. */
export async function createBillingPortalLink(db: Db, stripe: Stripe | null, input: { customerId: string; returnUrl: string }, { actor, meta }: Context) {
  const customer = await db.customer.findFirst({ where: { id: input.customerId, anonymizedAt: null }, select: { id: true, stripeCustomerId: true } });
  if (!customer) throw new AppError('NOT_FOUND', 'Customer not found.');
  if (!customer.stripeCustomerId) throw new AppError('CONFLICT', 'There is no billing account yet: subscribe to a plan first.');
  const session = await configured(stripe)
    .billingPortal.sessions
    .create({ customer: customer.stripeCustomerId, return_url: input.returnUrl })
    .catch((error: unknown) => rethrowStripeError('open the billing portal', error));
  await db.$transaction((tx) =>
    recordAuditEvent(tx, { actor, action: 'billing.portal_open', target: { type: 'customer', id: customer.id }, customerId: customer.id, ip: meta?.ip, userAgent: meta?.userAgent }),
  );
  return { url: session.url };
}

/** Plans with their Stripe price and meter, a page at a time (product, then plan name). */
export async function listBillingPlans(db: DbOrTx, input: z.input<typeof ListBillingPlansInput>) {
  const { cursor, limit } = parseInput(ListBillingPlansInput, input);
  const rows = await db.plan.findMany({
    orderBy: [{ product: { name: 'asc' } }, { name: 'asc' }, { id: 'asc' }],
    take: limit + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    select: {
      id: true,
      name: true,
      priceCents: true,
      currency: true,
      durationDays: true,
      stripePriceId: true,
      stripeMeterEventName: true,
      archivedAt: true,
      product: { select: { id: true, name: true } },
      _count: { select: { subscriptions: true } },
    },
  });
  const page = rows.slice(0, limit);
  return {
    items: page.map(({ _count, ...plan }) => ({ ...plan, subscriptions: _count.subscriptions })),
    nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}

/** The plans a customer can subscribe to: current plans that have a Stripe price. */
export function subscribablePlans(db: DbOrTx) {
  return db.plan.findMany({
    where: { archivedAt: null, stripePriceId: { not: null } },
    orderBy: [{ product: { name: 'asc' } }, { name: 'asc' }],
    take: 100,
    select: { id: true, name: true, priceCents: true, currency: true, maxMachines: true, features: true, product: { select: { name: true } } },
  });
}

/** Sets the Stripe price (what Checkout sells) and the meter (where usage goes) of a plan. */
export async function setPlanStripeBilling(db: Db, input: SetPlanStripeBillingInput, { actor, meta }: Context) {
  const data = parseInput(SetPlanStripeBillingInput, input);
  return db.$transaction(async (tx) => {
    const before = await tx.plan.findUnique({ where: { id: data.planId }, select: { stripePriceId: true, stripeMeterEventName: true } });
    if (!before) throw new AppError('NOT_FOUND', 'Plan not found.');
    const plan = await tx.plan
      .update({ where: { id: data.planId }, data: { stripePriceId: data.stripePriceId, stripeMeterEventName: data.stripeMeterEventName }, select: { id: true, stripePriceId: true, stripeMeterEventName: true } })
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) throw new AppError('CONFLICT', 'Another plan already uses this Stripe price.', { field: 'stripePriceId' });
        throw error;
      });
    await recordAuditEvent(tx, {
      actor,
      action: 'plan.set_stripe_billing',
      target: { type: 'plan', id: plan.id },
      ip: meta?.ip,
      userAgent: meta?.userAgent,
      metadata: { from: before, to: { stripePriceId: plan.stripePriceId, stripeMeterEventName: plan.stripeMeterEventName } },
    });
    return plan;
  });
}
