import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';

/**
 * Stripe objects and events shaped like the API's (current version: period ends on subscription
 * items, an invoice's subscription under `parent`), and deliveries signed the way Stripe signs
 * them, for the webhook tests, the e2e spec and the local Stripe fake.
 */

export const stripeId = (prefix: string) => `${prefix}_test_${randomBytes(12).toString('hex')}`;
export const unixTime = (date: Date = new Date()) => Math.floor(date.getTime() / 1000);
const DAY_SECONDS = 24 * 60 * 60;

export function customerObject(input: { id?: string; email: string; name?: string | null; metadata?: Record<string, string>; created?: number }) {
  return {
    id: input.id ?? stripeId('cus'),
    object: 'customer' as const,
    address: null,
    balance: 0,
    created: input.created ?? unixTime(),
    currency: 'usd',
    default_source: null,
    delinquent: false,
    description: null,
    email: input.email,
    invoice_prefix: randomBytes(4).toString('hex').toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: input.metadata ?? {},
    name: input.name ?? null,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
}

export function priceObject(input: { id: string; unitAmount?: number; currency?: string; interval?: 'month' | 'year' }) {
  return {
    id: input.id,
    object: 'price' as const,
    active: true,
    billing_scheme: 'per_unit',
    created: unixTime(),
    currency: input.currency ?? 'usd',
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: stripeId('prod'),
    recurring: { interval: input.interval ?? 'month', interval_count: 1, meter: null, usage_type: 'licensed' },
    tax_behavior: 'unspecified',
    type: 'recurring',
    unit_amount: input.unitAmount ?? 4900,
    unit_amount_decimal: String(input.unitAmount ?? 4900),
  };
}

export type SubscriptionInput = {
  id?: string;
  customer: string;
  priceId: string;
  status?: string;
  created?: number;
  periodStart?: number;
  periodEnd?: number;
  cancelAtPeriodEnd?: boolean;
  endedAt?: number | null;
  metadata?: Record<string, string>;
  unitAmount?: number;
  interval?: 'month' | 'year';
};

export function subscriptionObject(input: SubscriptionInput) {
  const id = input.id ?? stripeId('sub');
  const created = input.created ?? unixTime();
  const periodStart = input.periodStart ?? created;
  const periodEnd = input.periodEnd ?? periodStart + 30 * DAY_SECONDS;
  return {
    id,
    object: 'subscription' as const,
    application: null,
    automatic_tax: { enabled: false, liability: null },
    billing_cycle_anchor: periodStart,
    cancel_at: input.cancelAtPeriodEnd ? periodEnd : null,
    cancel_at_period_end: input.cancelAtPeriodEnd ?? false,
    canceled_at: input.status === 'canceled' ? (input.endedAt ?? created) : null,
    collection_method: 'charge_automatically',
    created,
    currency: 'usd',
    customer: input.customer,
    default_payment_method: null,
    description: null,
    discounts: [],
    ended_at: input.endedAt ?? null,
    items: {
      object: 'list' as const,
      data: [
        {
          id: stripeId('si'),
          object: 'subscription_item' as const,
          created,
          current_period_end: periodEnd,
          current_period_start: periodStart,
          discounts: [],
          metadata: {},
          price: priceObject({ id: input.priceId, unitAmount: input.unitAmount, interval: input.interval }),
          quantity: 1,
          subscription: id,
          tax_rates: [],
        },
      ],
      has_more: false,
      total_count: 1,
      url: `/v1/subscription_items?subscription=${id}`,
    },
    latest_invoice: stripeId('in'),
    livemode: false,
    metadata: input.metadata ?? {},
    start_date: created,
    status: input.status ?? 'active',
    test_clock: null,
    trial_end: null,
    trial_start: null,
  };
}

export function checkoutSessionObject(input: {
  id?: string;
  customer: string | null;
  email: string;
  name?: string | null;
  subscription: string | null;
  metadata?: Record<string, string>;
  clientReferenceId?: string | null;
  paymentStatus?: string;
  created?: number;
  url?: string | null;
}) {
  const created = input.created ?? unixTime();
  return {
    id: input.id ?? stripeId('cs'),
    object: 'checkout.session' as const,
    amount_subtotal: 4900,
    amount_total: 4900,
    cancel_url: 'http://localhost:3000/portal/billing?checkout=cancelled',
    client_reference_id: input.clientReferenceId ?? null,
    created,
    currency: 'usd',
    customer: input.customer,
    customer_creation: 'always',
    customer_details: { address: null, email: input.email, name: input.name ?? null, phone: null, tax_exempt: 'none', tax_ids: [] },
    customer_email: input.email,
    expires_at: created + DAY_SECONDS,
    livemode: false,
    metadata: input.metadata ?? {},
    mode: 'subscription',
    payment_status: input.paymentStatus ?? 'paid',
    status: input.paymentStatus === 'unpaid' ? 'open' : 'complete',
    subscription: input.subscription,
    success_url: 'http://localhost:3000/portal/billing?checkout=success',
    url: input.url ?? null,
  };
}

export function invoiceObject(input: { customer: string; subscription: string; periodStart: number; periodEnd: number; amount?: number; paid: boolean; attemptCount?: number }) {
  const id = stripeId('in');
  const amount = input.amount ?? 4900;
  return {
    id,
    object: 'invoice' as const,
    amount_due: amount,
    amount_paid: input.paid ? amount : 0,
    amount_remaining: input.paid ? 0 : amount,
    attempt_count: input.attemptCount ?? 1,
    attempted: true,
    billing_reason: 'subscription_cycle',
    collection_method: 'charge_automatically',
    created: input.periodStart,
    currency: 'usd',
    customer: input.customer,
    customer_email: null,
    hosted_invoice_url: `https://invoice.stripe.test/${id}`,
    lines: {
      object: 'list' as const,
      data: [
        {
          id: stripeId('il'),
          object: 'line_item' as const,
          amount,
          currency: 'usd',
          description: '1 × Plan (at $49.00 / month)',
          invoice: id,
          livemode: false,
          metadata: {},
          parent: { type: 'subscription_item_details', subscription_item_details: { subscription: input.subscription, subscription_item: stripeId('si'), proration: false } },
          period: { start: input.periodStart, end: input.periodEnd },
          quantity: 1,
        },
      ],
      has_more: false,
      total_count: 1,
      url: `/v1/invoices/${id}/lines`,
    },
    livemode: false,
    metadata: {},
    next_payment_attempt: input.paid ? null : input.periodStart + 3 * DAY_SECONDS,
    number: `INV-${randomBytes(3).toString('hex').toUpperCase()}`,
    parent: { type: 'subscription_details', quote_details: null, subscription_details: { metadata: {}, subscription: input.subscription } },
    period_end: input.periodStart,
    period_start: input.periodStart - 30 * DAY_SECONDS,
    status: input.paid ? 'paid' : 'open',
    subtotal: amount,
    total: amount,
  };
}

export function chargeObject(input: { id?: string; customer: string; amount?: number; amountRefunded?: number }) {
  const amount = input.amount ?? 4900;
  const amountRefunded = input.amountRefunded ?? 0;
  return {
    id: input.id ?? stripeId('ch'),
    object: 'charge' as const,
    amount,
    amount_captured: amount,
    amount_refunded: amountRefunded,
    captured: true,
    created: unixTime(),
    currency: 'usd',
    customer: input.customer,
    description: 'Subscription update',
    disputed: false,
    livemode: false,
    metadata: {},
    paid: true,
    payment_intent: stripeId('pi'),
    refunded: amountRefunded >= amount,
    status: 'succeeded',
  };
}

export function disputeObject(input: { charge: string; amount?: number; reason?: string }) {
  return {
    id: stripeId('dp'),
    object: 'dispute' as const,
    amount: input.amount ?? 4900,
    charge: input.charge,
    created: unixTime(),
    currency: 'usd',
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: stripeId('pi'),
    reason: input.reason ?? 'fraudulent',
    status: 'needs_response',
  };
}

export type StripeTestEvent = { id: string; object: 'event'; type: string; created: number; data: { object: Record<string, unknown> } } & Record<string, unknown>;

export function stripeEvent(type: string, object: object, options: { id?: string; created?: number } = {}): StripeTestEvent {
  return {
    id: options.id ?? stripeId('evt'),
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: options.created ?? unixTime(),
    data: { object: object as Record<string, unknown> },
    livemode: false,
    pending_webhooks: 1,
    request: { id: stripeId('req'), idempotency_key: null },
    type,
  };
}

/** A delivery as Stripe sends it: the JSON body and its Stripe-Signature header. */
export function signedDelivery(event: object, secret: string, options: { timestamp?: number; signWith?: string } = {}) {
  const body = JSON.stringify(event, null, 2);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: options.signWith ?? secret, timestamp: options.timestamp ?? unixTime() });
  return { body, signature };
}
