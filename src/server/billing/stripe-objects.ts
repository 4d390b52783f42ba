import { z } from 'zod';

/**
 * The parts of Stripe's event payloads that billing reads, parsed with zod so that a payload of
 * another API version fails with a clear message instead of writing wrong state. Both the
 * current layout (period ends on subscription items, an invoice's subscription under `parent`)
 * and the older one (on the subscription and the invoice themselves) are understood, because a
 * webhook endpoint's API version may lag the library's.
 */

/** An expandable reference: Stripe sends an id, or the object when expanded. */
const Reference = z.union([z.string(), z.object({ id: z.string() }).loose()]).transform((value) => (typeof value === 'string' ? value : value.id));
const Metadata = z.record(z.string(), z.string()).nullish().transform((value) => value ?? {});
const Timestamp = z.number().int().nonnegative();

export const StripeEventEnvelope = z
  .object({
    id: z.string().regex(/^evt_[A-Za-z0-9_]{1,250}$/),
    object: z.literal('event'),
    type: z.string().min(1).max(200),
    created: Timestamp,
    data: z.object({ object: z.record(z.string(), z.unknown()) }).loose(),
  })
  .loose();
export type StripeEventEnvelope = z.infer<typeof StripeEventEnvelope>;

const Price = z
  .object({
    id: z.string(),
    unit_amount: z.number().int().nullish(),
    currency: z.string(),
    recurring: z.object({ interval: z.enum(['day', 'week', 'month', 'year']), interval_count: z.number().int().positive() }).loose().nullish(),
  })
  .loose();

export const StripeSubscriptionObject = z
  .object({
    id: z.string(),
    object: z.literal('subscription'),
    customer: Reference,
    status: z.string(),
    created: Timestamp,
    start_date: Timestamp.nullish(),
    ended_at: Timestamp.nullish(),
    cancel_at_period_end: z.boolean().nullish(),
    current_period_end: Timestamp.nullish(),
    metadata: Metadata,
    items: z.object({
      data: z.array(z.object({ price: Price, quantity: z.number().int().nullish(), current_period_end: Timestamp.nullish() }).loose()),
    }),
  })
  .loose();
export type StripeSubscriptionObject = z.infer<typeof StripeSubscriptionObject>;

export const StripeCheckoutSessionObject = z
  .object({
    id: z.string(),
    object: z.literal('checkout.session'),
    mode: z.string(),
    customer: Reference.nullish(),
    customer_email: z.string().nullish(),
    customer_details: z.object({ email: z.string().nullish(), name: z.string().nullish() }).loose().nullish(),
    client_reference_id: z.string().nullish(),
    subscription: Reference.nullish(),
    payment_status: z.string(),
    metadata: Metadata,
  })
  .loose();
export type StripeCheckoutSessionObject = z.infer<typeof StripeCheckoutSessionObject>;

const InvoiceLine = z
  .object({
    period: z.object({ start: Timestamp, end: Timestamp }).loose(),
    subscription: Reference.nullish(),
    parent: z.object({ subscription_item_details: z.object({ subscription: z.string().nullish() }).loose().nullish() }).loose().nullish(),
  })
  .loose();

export const StripeInvoiceObject = z
  .object({
    id: z.string(),
    object: z.literal('invoice'),
    customer: Reference.nullish(),
    subscription: Reference.nullish(),
    parent: z.object({ subscription_details: z.object({ subscription: Reference }).loose().nullish() }).loose().nullish(),
    lines: z.object({ data: z.array(InvoiceLine) }).loose(),
    amount_due: z.number().int(),
    amount_paid: z.number().int(),
    currency: z.string(),
    attempt_count: z.number().int().nullish(),
    next_payment_attempt: Timestamp.nullish(),
    hosted_invoice_url: z.string().nullish(),
    number: z.string().nullish(),
  })
  .loose();
export type StripeInvoiceObject = z.infer<typeof StripeInvoiceObject>;

export const StripeChargeObject = z
  .object({
    id: z.string(),
    object: z.literal('charge'),
    customer: Reference.nullish(),
    amount: z.number().int(),
    amount_refunded: z.number().int(),
    refunded: z.boolean(),
    currency: z.string(),
  })
  .loose();
export type StripeChargeObject = z.infer<typeof StripeChargeObject>;

export const StripeDisputeObject = z
  .object({
    id: z.string(),
    object: z.literal('dispute'),
    // Usually the charge's id; when expanded, the charge names its customer.
    charge: z.union([z.string(), z.object({ id: z.string(), customer: Reference.nullish() }).loose()]),
    amount: z.number().int(),
    currency: z.string(),
    reason: z.string().nullish(),
  })
  .loose();
export type StripeDisputeObject = z.infer<typeof StripeDisputeObject>;

export const StripeCustomerObject = z
  .object({
    id: z.string(),
    object: z.literal('customer'),
    email: z.string().nullish(),
    name: z.string().nullish(),
    metadata: Metadata,
  })
  .loose();
export type StripeCustomerObject = z.infer<typeof StripeCustomerObject>;

/** The subscription an invoice bills, wherever this API version puts it. */
export function invoiceSubscriptionId(invoice: StripeInvoiceObject): string | null {
  return (
    invoice.parent?.subscription_details?.subscription ??
    invoice.subscription ??
    invoice.lines.data.map((line) => line.subscription ?? line.parent?.subscription_item_details?.subscription ?? null).find((id) => id) ??
    null
  );
}

/** The end of the period an invoice pays for: the latest end among its lines. */
export function invoicePeriodEnd(invoice: StripeInvoiceObject): Date | null {
  const ends = invoice.lines.data.map((line) => line.period.end);
  return ends.length === 0 ? null : new Date(Math.max(...ends) * 1000);
}

/** The current period's end: on the items in current API versions, on the subscription in older ones. */
export function subscriptionPeriodEnd(subscription: StripeSubscriptionObject): Date | null {
  const ends = subscription.items.data.map((item) => item.current_period_end).filter((end): end is number => typeof end === 'number');
  const end = ends.length > 0 ? Math.max(...ends) : subscription.current_period_end;
  return end ? new Date(end * 1000) : null;
}

const MONTHS_PER_INTERVAL = { day: 12 / 365, week: 12 / 52, month: 1, year: 12 } as const;

/**
 * Recurring revenue per month from the subscription's licensed prices (a yearly price counts a
 * twelfth), in the currency of the first priced item; metered prices have no fixed amount.
 */
export function subscriptionMonthlyRevenue(subscription: StripeSubscriptionObject): { cents: number; currency: string } | null {
  const priced = subscription.items.data.filter((item) => typeof item.price.unit_amount === 'number' && item.price.recurring);
  if (priced.length === 0) return null;
  const currency = priced[0]!.price.currency;
  const cents = priced
    .filter((item) => item.price.currency === currency)
    .reduce((sum, item) => {
      const { interval, interval_count } = item.price.recurring!;
      return sum + (item.price.unit_amount! * (item.quantity ?? 1)) / (MONTHS_PER_INTERVAL[interval] * interval_count);
    }, 0);
  return { cents: Math.round(cents), currency };
}
