import type { z } from 'zod';
import { Id } from '@/lib/schemas/licensing';
import { recordAuditEvent } from '../audit';
import type { Tx } from '../db';
import { refreshPaymentRisk, PAYMENT_RISK_ACTIONS } from './payment-risk';
import {
  StripeChargeObject,
  StripeCheckoutSessionObject,
  StripeCustomerObject,
  StripeDisputeObject,
  StripeInvoiceObject,
  StripeSubscriptionObject,
  invoicePeriodEnd,
  invoiceSubscriptionId,
  subscriptionMonthlyRevenue,
  subscriptionPeriodEnd,
  type StripeEventEnvelope,
} from './stripe-objects';
import {
  changeSubscriptionLicense,
  ENDED_STATUSES,
  ENTITLED_STATUSES,
  graceMs,
  issueSubscriptionLicense,
  LAPSED_STATUSES,
  STRIPE_ACTOR,
  suspendSubscriptionLicenses,
} from './subscription-licenses';

/**
 * One handler per Stripe event type that drives licenses. Each runs inside the transaction that
 * records the event id, so an event is applied exactly once or not at all. Stripe does not
 * guarantee order: subscription and invoice events are compared with the newest one applied
 * (Subscription.lastEventAt, lastInvoiceEventAt) and older ones change nothing.
 */

export type EventContext = {
  tx: Tx;
  event: StripeEventEnvelope;
  /** The event's own creation time at Stripe. */
  eventAt: Date;
  now: Date;
  /** Licenses changed: their cached policy is dropped after commit. */
  touched: Set<string>;
  /** The customer of a disputed charge, looked up at Stripe before the transaction when the event only names the charge. */
  disputeCustomer: string | null;
};

export type HandledEvent = { status: 'PROCESSED' | 'IGNORED'; customerId: string | null; detail: string | null };

/** A processing failure worth retrying later (Stripe redelivers; admins can process again). */
export class StripeEventError extends Error {
  override name = 'StripeEventError';
}

function objectOf<Schema extends z.ZodType>(schema: Schema, event: StripeEventEnvelope): z.infer<Schema> {
  const parsed = schema.safeParse(event.data.object);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StripeEventError(`The ${event.type} payload is not in a shape Licensor understands (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}).`);
  }
  return parsed.data;
}

const processed = (customerId: string | null): HandledEvent => ({ status: 'PROCESSED', customerId, detail: null });
const ignored = (customerId: string | null, detail: string | null): HandledEvent => ({ status: 'IGNORED', customerId, detail });
const fromUnix = (seconds: number | null | undefined) => (typeof seconds === 'number' ? new Date(seconds * 1000) : null);
const licensorId = (value: string | null | undefined) => (Id.safeParse(value).success ? (value as string) : null);

/** The Licensor customer of a Stripe customer: by its Stripe id, else by the id Licensor put in the metadata (then linked). */
async function linkedCustomer(tx: Tx, stripeCustomerId: string | null | undefined, metadataCustomerId?: string | null) {
  if (stripeCustomerId) {
    const linked = await tx.customer.findUnique({ where: { stripeCustomerId }, select: { id: true } });
    if (linked) return linked;
  }
  const referenced = licensorId(metadataCustomerId);
  if (!referenced) return null;
  const customer = await tx.customer.findFirst({ where: { id: referenced, anonymizedAt: null }, select: { id: true, stripeCustomerId: true } });
  if (!customer) return null;
  if (stripeCustomerId && !customer.stripeCustomerId) await linkStripeCustomer(tx, customer.id, stripeCustomerId);
  return { id: customer.id };
}

async function linkStripeCustomer(tx: Tx, customerId: string, stripeCustomerId: string) {
  await tx.customer.update({ where: { id: customerId }, data: { stripeCustomerId } });
  await recordAuditEvent(tx, { actor: STRIPE_ACTOR, action: 'customer.link_stripe', target: { type: 'customer', id: customerId }, customerId, metadata: { stripeCustomerId } });
}

/** The plan whose Stripe price the subscription bills, else the plan Licensor's Checkout named. */
async function planFor(tx: Tx, priceIds: string[], metadataPlanId?: string | null) {
  const select = { id: true, priceCents: true, currency: true, features: true, quotas: true, maxMachines: true, productId: true } as const;
  if (priceIds.length > 0) {
    const byPrice = await tx.plan.findFirst({ where: { stripePriceId: { in: priceIds } }, select });
    if (byPrice) return byPrice;
  }
  const referenced = licensorId(metadataPlanId);
  return referenced ? tx.plan.findUnique({ where: { id: referenced }, select }) : null;
}

type SubscriptionRow = { id: string; customerId: string; planId: string; licenseId: string | null; status: string; currentPeriodEnd: Date | null; lastEventAt: Date | null; lastInvoiceEventAt: Date | null };

/** The subscription row, locked for the rest of the transaction so its events apply one at a time. */
async function lockSubscription(tx: Tx, stripeSubscriptionId: string): Promise<SubscriptionRow | null> {
  const rows = await tx.$queryRaw<SubscriptionRow[]>`
    SELECT "id", "customerId", "planId", "licenseId", "status", "currentPeriodEnd", "lastEventAt", "lastInvoiceEventAt"
    FROM "Subscription" WHERE "stripeSubscriptionId" = ${stripeSubscriptionId} FOR UPDATE`;
  return rows[0] ?? null;
}

/** Creates the row unless another event did (ON CONFLICT DO NOTHING), then locks it. */
async function subscriptionRowFor(tx: Tx, data: { stripeSubscriptionId: string; customerId: string; planId: string; status: string }) {
  await tx.subscription.createMany({ data: [data], skipDuplicates: true });
  const row = await lockSubscription(tx, data.stripeSubscriptionId);
  if (!row) throw new StripeEventError(`Subscription ${data.stripeSubscriptionId} could not be recorded.`);
  return row;
}

// Within one second (Stripe's resolution), the later status in a subscription's life is the newer.
const STATUS_ORDER = ['incomplete', 'trialing', 'active', 'past_due', 'unpaid', 'paused', 'canceled', 'incomplete_expired'];
const statusRank = (status: string) => Math.max(0, STATUS_ORDER.indexOf(status));

/** True when the subscription already reflects an event newer than this one. */
export function isOlderSubscriptionState(stored: Pick<SubscriptionRow, 'lastEventAt' | 'currentPeriodEnd' | 'status'>, incoming: { eventAt: Date; periodEnd: Date | null; status: string }): boolean {
  if (!stored.lastEventAt) return false;
  if (incoming.eventAt.getTime() !== stored.lastEventAt.getTime()) return incoming.eventAt < stored.lastEventAt;
  const storedEnd = stored.currentPeriodEnd?.getTime() ?? 0;
  const incomingEnd = incoming.periodEnd?.getTime() ?? 0;
  if (incomingEnd !== storedEnd) return incomingEnd < storedEnd;
  return statusRank(incoming.status) < statusRank(stored.status);
}

async function syncSubscription(ctx: EventContext, deleted: boolean): Promise<HandledEvent> {
  const { tx, event, eventAt, now } = ctx;
  const subscription = objectOf(StripeSubscriptionObject, event);
  const customer = await linkedCustomer(tx, subscription.customer, subscription.metadata.licensor_customer_id);
  if (!customer) {
    throw new StripeEventError(`Stripe customer ${subscription.customer} is not linked to a Licensor customer yet (its checkout.session.completed has not been processed); Stripe delivers this event again.`);
  }
  const priceIds = subscription.items.data.map((item) => item.price.id);
  const plan = await planFor(tx, priceIds, subscription.metadata.licensor_plan_id);
  if (!plan) throw new StripeEventError(`No plan carries the Stripe price ${priceIds.join(', ') || '(none)'}: set it under Billing → Plans and prices, then process this event again.`);

  const status = subscription.status;
  const periodEnd = subscriptionPeriodEnd(subscription);
  const row = await subscriptionRowFor(tx, { stripeSubscriptionId: subscription.id, customerId: customer.id, planId: plan.id, status });
  if (isOlderSubscriptionState(row, { eventAt, periodEnd, status })) return ignored(customer.id, `Superseded: a newer event for ${subscription.id} was applied already.`);

  const revenue = subscriptionMonthlyRevenue(subscription) ?? { cents: plan.priceCents ?? 0, currency: plan.currency };
  const endedAt = fromUnix(subscription.ended_at);
  await tx.subscription.update({
    where: { id: row.id },
    data: {
      status,
      planId: plan.id,
      currentPeriodEnd: periodEnd,
      cancelAtPeriodEnd: subscription.cancel_at_period_end ?? false,
      mrrCents: revenue.cents,
      currency: revenue.currency,
      startedAt: fromUnix(subscription.start_date ?? subscription.created),
      endedAt,
      lastEventAt: eventAt,
    },
  });

  const context = { action: 'license.billing_sync', reason: `${event.type} (${status})`, eventId: event.id, touched: ctx.touched };
  let licenseId = row.licenseId;
  if (licenseId && row.planId !== plan.id) {
    // A plan change (upgrade or downgrade in the Billing Portal) brings the new plan's entitlements.
    await tx.license.update({ where: { id: licenseId }, data: { planId: plan.id, productId: plan.productId, features: plan.features, quotas: plan.quotas ?? {}, maxMachines: plan.maxMachines } });
    await recordAuditEvent(tx, { actor: STRIPE_ACTOR, action: 'license.change_plan', target: { type: 'license', id: licenseId }, customerId: customer.id, metadata: { from: row.planId, to: plan.id, eventId: event.id } });
    ctx.touched.add(licenseId);
  }

  if (deleted || ENDED_STATUSES.has(status)) {
    if (!licenseId) return processed(customer.id);
    // The customer paid up to the period's end: the license ends there, without grace.
    const endsAt = periodEnd ?? endedAt ?? eventAt;
    const license = await tx.license.findUniqueOrThrow({ where: { id: licenseId }, select: { status: true } });
    const lapses = endsAt <= now && (license.status === 'ACTIVE' || license.status === 'OVERDUE');
    await changeSubscriptionLicense(tx, licenseId, { expiresAt: endsAt, ...(lapses ? { status: 'EXPIRED' as const } : {}) }, context);
    return processed(customer.id);
  }

  if (ENTITLED_STATUSES.has(status)) {
    const expiresAt = new Date((periodEnd ?? now).getTime() + graceMs());
    if (!licenseId) {
      licenseId = await issueSubscriptionLicense(tx, { id: row.id, customerId: customer.id, planId: plan.id }, expiresAt, { eventId: event.id, now, touched: ctx.touched });
    }
    const license = await tx.license.findUniqueOrThrow({ where: { id: licenseId }, select: { status: true, overdueSince: true } });
    const paidUp = status !== 'past_due';
    // A failure recorded after this event (by an invoice event) is newer than this state and stays.
    const failureSettled = paidUp && license.overdueSince !== null && license.overdueSince <= eventAt;
    const reactivate = (license.status === 'OVERDUE' && failureSettled) || (license.status === 'EXPIRED' && expiresAt > now);
    await changeSubscriptionLicense(
      tx,
      licenseId,
      {
        expiresAt,
        ...(reactivate ? { status: 'ACTIVE' as const } : {}),
        ...(failureSettled ? { overdueSince: null } : {}),
        ...(!paidUp && license.overdueSince === null && license.status === 'ACTIVE' ? { overdueSince: eventAt } : {}),
      },
      context,
    );
    return processed(customer.id);
  }

  if (LAPSED_STATUSES.has(status) && licenseId) {
    const license = await tx.license.findUniqueOrThrow({ where: { id: licenseId }, select: { status: true, overdueSince: true } });
    if (license.status === 'ACTIVE') await changeSubscriptionLicense(tx, licenseId, { status: 'OVERDUE', overdueSince: license.overdueSince ?? eventAt }, context);
  }
  return processed(customer.id);
}

/** checkout.session.completed: the customer (found or created), the subscription and its license. */
async function completeCheckout(ctx: EventContext): Promise<HandledEvent> {
  const { tx, event, now } = ctx;
  const session = objectOf(StripeCheckoutSessionObject, event);
  if (session.mode !== 'subscription') return ignored(null, `A Checkout session in ${session.mode} mode is not a subscription.`);
  const customerId = await checkoutCustomer(tx, session);
  const plan = await planFor(tx, [], session.metadata.licensor_plan_id);
  // Without Licensor's metadata (a Payment Link, say), the subscription events bring the plan by its price.
  if (!session.subscription || !plan) return processed(customerId);

  const paid = session.payment_status === 'paid' || session.payment_status === 'no_payment_required';
  const row = await subscriptionRowFor(tx, { stripeSubscriptionId: session.subscription, customerId, planId: plan.id, status: paid ? 'active' : 'incomplete' });
  if (!row.licenseId && ENTITLED_STATUSES.has(row.status)) {
    // Until the subscription's own events bring the period end, the license runs for the grace days.
    const expiresAt = new Date((row.currentPeriodEnd ?? now).getTime() + graceMs());
    await issueSubscriptionLicense(tx, row, expiresAt, { eventId: event.id, now, touched: ctx.touched });
  }
  return processed(customerId);
}

/** The Checkout's customer: by Stripe customer id, then the id Licensor sent, then email; created when none matches. */
async function checkoutCustomer(tx: Tx, session: StripeCheckoutSessionObject): Promise<string> {
  const stripeCustomerId = session.customer ?? null;
  const linked = await linkedCustomer(tx, stripeCustomerId, session.metadata.licensor_customer_id ?? session.client_reference_id);
  if (linked) return linked.id;
  const email = session.customer_details?.email ?? session.customer_email ?? null;
  if (!email) throw new StripeEventError(`Checkout session ${session.id} has neither a known customer nor an email to create one from.`);
  const byEmail = await tx.customer.findFirst({ where: { email: { equals: email, mode: 'insensitive' }, anonymizedAt: null }, orderBy: { createdAt: 'asc' }, select: { id: true, stripeCustomerId: true } });
  if (byEmail) {
    if (stripeCustomerId && !byEmail.stripeCustomerId) await linkStripeCustomer(tx, byEmail.id, stripeCustomerId);
    return byEmail.id;
  }
  const name = session.customer_details?.name?.trim() || email;
  const customer = await tx.customer.create({ data: { name: name.slice(0, 120), email, stripeCustomerId } });
  await recordAuditEvent(tx, {
    actor: STRIPE_ACTOR,
    action: 'customer.create',
    target: { type: 'customer', id: customer.id },
    customerId: customer.id,
    metadata: { name: customer.name, email, stripeCustomerId, checkoutSessionId: session.id },
  });
  return customer.id;
}

/** Locks the subscription an invoice bills, unless the invoice is older than the newest invoice event applied. */
async function invoiceSubscription(ctx: EventContext, invoice: StripeInvoiceObject): Promise<{ row: SubscriptionRow } | { skipped: HandledEvent }> {
  const stripeSubscriptionId = invoiceSubscriptionId(invoice);
  // Invoices of unknown subscriptions need nothing: the subscription's own events set its license.
  if (!stripeSubscriptionId) return { skipped: ignored(null, 'The invoice bills no subscription.') };
  const row = await lockSubscription(ctx.tx, stripeSubscriptionId);
  if (!row) return { skipped: ignored(null, `Subscription ${stripeSubscriptionId} is not known yet; its own events will set the license.`) };
  if (row.lastInvoiceEventAt && ctx.eventAt < row.lastInvoiceEventAt) {
    return { skipped: ignored(row.customerId, `Superseded: a newer invoice event for ${stripeSubscriptionId} was applied already.`) };
  }
  await ctx.tx.subscription.update({ where: { id: row.id }, data: { lastInvoiceEventAt: ctx.eventAt } });
  return { row };
}

/** invoice.paid: the license runs to the paid period's end plus grace, and an overdue payment is settled. */
async function invoicePaid(ctx: EventContext): Promise<HandledEvent> {
  const invoice = objectOf(StripeInvoiceObject, ctx.event);
  const found = await invoiceSubscription(ctx, invoice);
  if ('skipped' in found) return found.skipped;
  const subscription = found.row;
  await recordAuditEvent(ctx.tx, {
    actor: STRIPE_ACTOR,
    action: 'billing.invoice_paid',
    target: { type: 'subscription', id: subscription.id },
    customerId: subscription.customerId,
    metadata: { invoiceId: invoice.id, amountPaid: invoice.amount_paid, currency: invoice.currency, eventId: ctx.event.id },
  });
  if (!subscription.licenseId) return processed(subscription.customerId);
  const license = await ctx.tx.license.findUniqueOrThrow({ where: { id: subscription.licenseId }, select: { status: true, expiresAt: true, overdueSince: true } });
  const periodEnd = invoicePeriodEnd(invoice);
  let expiresAt = license.expiresAt;
  if (periodEnd && expiresAt) {
    const paidThrough = new Date(periodEnd.getTime() + graceMs());
    // A canceled subscription's license ends with its period, whatever a late invoice says.
    const cap = ENDED_STATUSES.has(subscription.status) && subscription.currentPeriodEnd ? subscription.currentPeriodEnd : paidThrough;
    expiresAt = new Date(Math.max(expiresAt.getTime(), Math.min(paidThrough.getTime(), cap.getTime())));
  }
  const settles = license.overdueSince !== null && license.overdueSince <= ctx.eventAt;
  const reactivate = (license.status === 'OVERDUE' && settles) || (license.status === 'EXPIRED' && expiresAt !== null && expiresAt > ctx.now);
  await changeSubscriptionLicense(
    ctx.tx,
    subscription.licenseId,
    { expiresAt, ...(settles ? { overdueSince: null } : {}), ...(reactivate ? { status: 'ACTIVE' as const } : {}) },
    { action: 'license.billing_sync', reason: `invoice ${invoice.id} paid`, eventId: ctx.event.id, touched: ctx.touched },
  );
  return processed(subscription.customerId);
}

/** invoice.payment_failed: the grace clock starts; markOverdueLicenses moves the license to OVERDUE when it runs out. */
async function invoicePaymentFailed(ctx: EventContext): Promise<HandledEvent> {
  const invoice = objectOf(StripeInvoiceObject, ctx.event);
  const found = await invoiceSubscription(ctx, invoice);
  if ('skipped' in found) return found.skipped;
  const row = found.row;
  await recordAuditEvent(ctx.tx, {
    actor: STRIPE_ACTOR,
    action: 'billing.payment_failed',
    target: { type: 'subscription', id: row.id },
    customerId: row.customerId,
    severity: 'WARNING',
    metadata: { invoiceId: invoice.id, amountDue: invoice.amount_due, currency: invoice.currency, attemptCount: invoice.attempt_count ?? null, eventId: ctx.event.id },
  });
  if (!row.licenseId) return processed(row.customerId);
  const license = await ctx.tx.license.findUniqueOrThrow({ where: { id: row.licenseId }, select: { status: true, overdueSince: true } });
  if (license.status === 'ACTIVE' && license.overdueSince === null) {
    await changeSubscriptionLicense(ctx.tx, row.licenseId, { overdueSince: ctx.eventAt }, { action: 'license.billing_sync', reason: `invoice ${invoice.id} payment failed`, eventId: ctx.event.id, touched: ctx.touched });
  }
  return processed(row.customerId);
}

/** A refund or dispute: audited as a payment risk signal; the customer's subscription licenses are suspended for review. */
async function paymentReversal(ctx: EventContext, input: { stripeCustomerId: string | null; action: string; suspend: boolean; reason: string; metadata: Record<string, unknown> }): Promise<HandledEvent> {
  const customer = input.stripeCustomerId ? await ctx.tx.customer.findUnique({ where: { stripeCustomerId: input.stripeCustomerId }, select: { id: true } }) : null;
  if (!customer) return ignored(null, `The charge's customer (${input.stripeCustomerId ?? 'none'}) is not a Licensor customer.`);
  await recordAuditEvent(ctx.tx, {
    actor: STRIPE_ACTOR,
    action: input.action,
    target: { type: 'customer', id: customer.id },
    customerId: customer.id,
    severity: 'WARNING',
    metadata: { ...input.metadata, eventId: ctx.event.id },
  });
  if (input.suspend) await suspendSubscriptionLicenses(ctx.tx, customer.id, input.reason, { eventId: ctx.event.id, now: ctx.now, touched: ctx.touched });
  await refreshPaymentRisk(ctx.tx, customer.id, ctx.now);
  return processed(customer.id);
}

async function chargeRefunded(ctx: EventContext): Promise<HandledEvent> {
  const charge = objectOf(StripeChargeObject, ctx.event);
  return paymentReversal(ctx, {
    stripeCustomerId: charge.customer ?? null,
    action: PAYMENT_RISK_ACTIONS.refund,
    // A partial refund is a goodwill credit as often as not: it counts as a signal only.
    suspend: charge.refunded,
    reason: `charge ${charge.id} refunded`,
    metadata: { chargeId: charge.id, amount: charge.amount, amountRefunded: charge.amount_refunded, currency: charge.currency, fullRefund: charge.refunded },
  });
}

async function disputeCreated(ctx: EventContext): Promise<HandledEvent> {
  const dispute = objectOf(StripeDisputeObject, ctx.event);
  const chargeId = typeof dispute.charge === 'string' ? dispute.charge : dispute.charge.id;
  const stripeCustomerId = (typeof dispute.charge === 'string' ? null : dispute.charge.customer) ?? ctx.disputeCustomer;
  return paymentReversal(ctx, {
    stripeCustomerId,
    action: PAYMENT_RISK_ACTIONS.dispute,
    suspend: true,
    reason: `charge ${chargeId} disputed (${dispute.reason ?? 'no reason given'})`,
    metadata: { disputeId: dispute.id, chargeId, amount: dispute.amount, currency: dispute.currency, reason: dispute.reason ?? null },
  });
}

/** customer.updated: the billing email follows Stripe's (the organisation's name is Licensor's own). */
async function customerUpdated(ctx: EventContext): Promise<HandledEvent> {
  const stripeCustomer = objectOf(StripeCustomerObject, ctx.event);
  const customer = await ctx.tx.customer.findUnique({ where: { stripeCustomerId: stripeCustomer.id }, select: { id: true, email: true } });
  if (!customer) return ignored(null, `Stripe customer ${stripeCustomer.id} is not linked to a Licensor customer.`);
  const newer = await ctx.tx.stripeEvent.findFirst({ where: { customerId: customer.id, type: ctx.event.type, status: 'PROCESSED', createdAt: { gt: ctx.eventAt } }, select: { id: true } });
  if (newer) return ignored(customer.id, `Superseded: ${newer.id} is a newer update of this customer.`);
  const email = stripeCustomer.email?.trim();
  if (email && email.length <= 254 && email.includes('@') && email !== customer.email) {
    await ctx.tx.customer.update({ where: { id: customer.id }, data: { email } });
    await recordAuditEvent(ctx.tx, { actor: STRIPE_ACTOR, action: 'customer.update', target: { type: 'customer', id: customer.id }, customerId: customer.id, metadata: { from: { email: customer.email }, to: { email }, eventId: ctx.event.id } });
  }
  return processed(customer.id);
}

const HANDLERS: Record<string, (ctx: EventContext) => Promise<HandledEvent>> = {
  'checkout.session.completed': completeCheckout,
  'customer.subscription.created': (ctx) => syncSubscription(ctx, false),
  'customer.subscription.updated': (ctx) => syncSubscription(ctx, false),
  'customer.subscription.deleted': (ctx) => syncSubscription(ctx, true),
  'invoice.paid': invoicePaid,
  'invoice.payment_failed': invoicePaymentFailed,
  'charge.refunded': chargeRefunded,
  'charge.dispute.created': disputeCreated,
  'customer.updated': customerUpdated,
};

/** Applies the event; types Licensor does not act on are acknowledged and IGNORED. */
export function handleStripeEvent(ctx: EventContext): Promise<HandledEvent> {
  const handler = HANDLERS[ctx.event.type];
  return handler ? handler(ctx) : Promise.resolve(ignored(null, null));
}
