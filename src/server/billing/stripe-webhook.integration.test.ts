import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { POST } from '@/app/api/webhooks/stripe/route';
import { createBillingFixture, licensorMetadata, type BillingFixture } from '../../../tests/billing-fixtures';
import { describeWithDatabase } from '../../../tests/helpers';
import { freshIp } from '../../../tests/licensing-fixtures';
import {
  chargeObject,
  checkoutSessionObject,
  customerObject,
  disputeObject,
  invoiceObject,
  signedDelivery,
  stripeEvent,
  stripeId,
  subscriptionObject,
  unixTime,
  type StripeTestEvent,
} from '../../../tests/stripe-events';
import { startStripeFake, type StripeFake } from '../../../tests/stripe-fake';
import { getDb, type Db } from '../db';
import { PEER_ADDRESS_HEADER } from '../http/request-meta';
import { securityPolicy } from '../security/policy';
import { markOverdueLicenses, reprocessStripeEvent, setPlanStripeBilling, stripeClientFromEnv } from '.';

const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('base64url')}`;
const DAY = 24 * 60 * 60;
const admin = { type: 'system' as const, label: 'test admin' };

let fake: StripeFake;
let db: Db;

beforeAll(async () => {
  fake = await startStripeFake();
  // Read once by getEnv, which nothing has called yet in this file's fresh module registry.
  Object.assign(process.env, { STRIPE_SECRET_KEY: fake.secretKey, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE_URL: fake.url });
  db = await getDb();
});

afterAll(async () => {
  await fake?.close();
});

async function deliver(event: StripeTestEvent, options: { timestamp?: number; signWith?: string; ip?: string } = {}) {
  const { body, signature } = signedDelivery(event, WEBHOOK_SECRET, options);
  const response = await POST(
    new Request('http://licensor.test/api/webhooks/stripe', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature, [PEER_ADDRESS_HEADER]: options.ip ?? freshIp() },
      body,
    }),
  );
  return { status: response.status, body: (await response.json()) as { status?: string; error?: string } };
}

const subscriptionLicenses = (customerId: string) => db.license.findMany({ where: { customerId, issuedVia: 'SUBSCRIPTION' } });
const graceMs = () => securityPolicy().billing.graceDays * DAY * 1000;

/** A customer who completed Licensor's Checkout: customer.subscription.created and checkout.session.completed delivered. */
async function subscribedCustomer(fixture: BillingFixture, periodEnd = unixTime() + 30 * DAY) {
  const stripeCustomerId = stripeId('cus');
  const subscription = subscriptionObject({ customer: stripeCustomerId, priceId: fixture.priceId, metadata: licensorMetadata(fixture), created: unixTime() - 60, periodEnd });
  const session = checkoutSessionObject({ customer: stripeCustomerId, email: fixture.customerEmail, subscription: subscription.id, metadata: licensorMetadata(fixture) });
  expect((await deliver(stripeEvent('checkout.session.completed', session))).status).toBe(200);
  expect((await deliver(stripeEvent('customer.subscription.created', subscription, { created: unixTime() - 60 }))).status).toBe(200);
  const [license] = await subscriptionLicenses(fixture.customerId);
  return { stripeCustomerId, subscription, license: license! };
}

describeWithDatabase('POST /api/webhooks/stripe', () => {
  it('refuses a bad signature with 400, stores nothing and records a security event', async () => {
    const fixture = await createBillingFixture(db);
    const event = stripeEvent('checkout.session.completed', checkoutSessionObject({ customer: stripeId('cus'), email: fixture.customerEmail, subscription: stripeId('sub'), metadata: licensorMetadata(fixture) }));
    const ip = freshIp();
    const response = await deliver(event, { signWith: `whsec_${randomBytes(24).toString('base64url')}`, ip });

    expect(response).toEqual({ status: 400, body: expect.objectContaining({ error: 'BAD_REQUEST' }) });
    expect(await db.stripeEvent.findUnique({ where: { id: event.id } })).toBeNull();
    expect(await subscriptionLicenses(fixture.customerId)).toEqual([]);
    const audit = await db.auditEvent.findFirst({ where: { action: 'billing.webhook_signature_invalid', ip }, orderBy: { sequence: 'desc' } });
    expect(audit).toMatchObject({ severity: 'WARNING' });
    expect(await db.securityAlert.count({ where: { rule: 'stripe_webhook_signature', ip } })).toBe(1);
  });

  it('refuses a signature older than the 300 s tolerance, and a missing one', async () => {
    const fixture = await createBillingFixture(db);
    const event = stripeEvent('customer.updated', customerObject({ email: fixture.customerEmail }));
    const ip = freshIp();
    const stale = await deliver(event, { timestamp: unixTime() - 301, ip });
    expect(stale.status).toBe(400);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'billing.webhook_signature_invalid', ip }, orderBy: { sequence: 'desc' } });
    expect(String((audit.metadata as { reason: string }).reason)).toMatch(/tolerance/i);
    expect((await deliver(event, { timestamp: unixTime() + 301 })).status).toBe(400);
    // Within the tolerance the same event is accepted.
    expect((await deliver(event, { timestamp: unixTime() - 240 })).status).toBe(200);

    const unsigned = await POST(new Request('http://licensor.test/api/webhooks/stripe', { method: 'POST', headers: { [PEER_ADDRESS_HEADER]: freshIp() }, body: JSON.stringify(event) }));
    expect(unsigned.status).toBe(400);
  });

  it('applies 20 concurrent deliveries of one checkout.session.completed exactly once: one subscription, one license', async () => {
    const fixture = await createBillingFixture(db);
    const stripeCustomerId = stripeId('cus');
    const session = checkoutSessionObject({ customer: stripeCustomerId, email: fixture.customerEmail, subscription: stripeId('sub'), metadata: licensorMetadata(fixture) });
    const event = stripeEvent('checkout.session.completed', session);

    const responses = await Promise.all(Array.from({ length: 20 }, () => deliver(event)));

    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(responses.filter((response) => response.body.status === 'processed')).toHaveLength(1);
    expect(responses.filter((response) => response.body.status === 'duplicate')).toHaveLength(19);
    expect(await subscriptionLicenses(fixture.customerId)).toHaveLength(1);
    expect(await db.subscription.count({ where: { customerId: fixture.customerId } })).toBe(1);
    expect(await db.stripeEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({ status: 'PROCESSED', attempts: 1, customerId: fixture.customerId });
    expect(await db.customer.findUniqueOrThrow({ where: { id: fixture.customerId } })).toMatchObject({ stripeCustomerId });
    expect(await db.auditEvent.count({ where: { action: 'license.issue', customerId: fixture.customerId } })).toBe(1);
  });

  it('creates the customer from a Checkout it does not know (no Licensor metadata) by email, once', async () => {
    const fixture = await createBillingFixture(db);
    const email = `new-${randomBytes(4).toString('hex')}@example.test`;
    const stripeCustomerId = stripeId('cus');
    const session = checkoutSessionObject({ customer: stripeCustomerId, email, name: 'Fresh Orchard Ltd', subscription: null });
    expect((await deliver(stripeEvent('checkout.session.completed', session))).body.status).toBe('processed');
    const created = await db.customer.findUniqueOrThrow({ where: { stripeCustomerId } });
    expect(created).toMatchObject({ email, name: 'Fresh Orchard Ltd' });

    // Its subscription events find it by the Stripe customer id and the plan by its price.
    const subscription = subscriptionObject({ customer: stripeCustomerId, priceId: fixture.priceId });
    expect((await deliver(stripeEvent('customer.subscription.created', subscription))).body.status).toBe('processed');
    expect(await subscriptionLicenses(created.id)).toHaveLength(1);
  });

  it('applies customer.subscription.updated that arrives before created, then ignores the older created', async () => {
    const fixture = await createBillingFixture(db);
    const stripeCustomerId = stripeId('cus');
    const created = unixTime() - 120;
    const periodEnd = unixTime() + 30 * DAY;
    const base = { id: stripeId('sub'), customer: stripeCustomerId, priceId: fixture.priceId, metadata: licensorMetadata(fixture), created, periodEnd };
    const updated = stripeEvent('customer.subscription.updated', subscriptionObject({ ...base, status: 'active' }), { created: created + 5 });
    const earlier = stripeEvent('customer.subscription.created', subscriptionObject({ ...base, status: 'incomplete', periodEnd: created + 23 * 60 * 60 }), { created });

    expect((await deliver(updated)).body.status).toBe('processed');
    const subscription = await db.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: base.id } });
    expect(subscription).toMatchObject({ status: 'active', currentPeriodEnd: new Date(periodEnd * 1000), mrrCents: 4900 });
    const [license] = await subscriptionLicenses(fixture.customerId);
    expect(license).toMatchObject({ status: 'ACTIVE', expiresAt: new Date(periodEnd * 1000 + graceMs()) });

    expect((await deliver(earlier)).body.status).toBe('ignored');
    expect(await db.subscription.findUniqueOrThrow({ where: { id: subscription.id } })).toEqual(subscription);
    expect(await db.license.findUniqueOrThrow({ where: { id: license!.id } })).toEqual(license);
    expect((await db.stripeEvent.findUniqueOrThrow({ where: { id: earlier.id } })).error).toMatch(/Superseded/);
  });

  it('lets an old customer.subscription.updated that arrives after a newer one change nothing', async () => {
    const fixture = await createBillingFixture(db);
    const { subscription } = await subscribedCustomer(fixture);
    const newer = stripeEvent('customer.subscription.updated', { ...subscription, cancel_at_period_end: true, cancel_at: subscription.items.data[0]!.current_period_end }, { created: unixTime() });
    const older = stripeEvent('customer.subscription.updated', { ...subscription, status: 'past_due' }, { created: unixTime() - 30 });

    expect((await deliver(newer)).body.status).toBe('processed');
    const before = await db.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: subscription.id }, include: { license: true } });
    expect(before).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });

    expect((await deliver(older)).body.status).toBe('ignored');
    expect(await db.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: subscription.id }, include: { license: true } })).toEqual(before);
  });

  it('suspends the license on a full refund, and a dispute on top raises a payment risk alert', async () => {
    const fixture = await createBillingFixture(db);
    const { stripeCustomerId, license } = await subscribedCustomer(fixture);
    expect(license.status).toBe('ACTIVE');

    const refunded = chargeObject({ customer: stripeCustomerId, amount: 4900, amountRefunded: 4900 });
    expect((await deliver(stripeEvent('charge.refunded', refunded))).body.status).toBe('processed');
    expect(await db.license.findUniqueOrThrow({ where: { id: license.id } })).toMatchObject({ status: 'SUSPENDED' });
    expect((await db.customer.findUniqueOrThrow({ where: { id: fixture.customerId } })).paymentRiskScore).toBeCloseTo(0.25);
    expect(await db.auditEvent.findFirst({ where: { action: 'license.suspend', targetId: license.id } })).toMatchObject({ severity: 'WARNING' });

    // The dispute names its charge only: its customer is read from Stripe (the fake).
    const disputed = chargeObject({ customer: stripeCustomerId });
    fake.charges.set(disputed.id, disputed);
    expect((await deliver(stripeEvent('charge.dispute.created', disputeObject({ charge: disputed.id })))).body.status).toBe('processed');
    expect((await db.customer.findUniqueOrThrow({ where: { id: fixture.customerId } })).paymentRiskScore).toBeCloseTo(0.75);
    expect(await db.securityAlert.findFirst({ where: { rule: 'payment_risk', customerId: fixture.customerId } })).toMatchObject({ status: 'OPEN' });
  });

  it('keeps a license working through a partial refund (a risk signal only)', async () => {
    const fixture = await createBillingFixture(db);
    const { stripeCustomerId, license } = await subscribedCustomer(fixture);
    await deliver(stripeEvent('charge.refunded', chargeObject({ customer: stripeCustomerId, amount: 4900, amountRefunded: 900 })));
    expect(await db.license.findUniqueOrThrow({ where: { id: license.id } })).toMatchObject({ status: 'ACTIVE' });
    expect((await db.customer.findUniqueOrThrow({ where: { id: fixture.customerId } })).paymentRiskScore).toBeCloseTo(0.25);
  });

  it('makes the license OVERDUE once a failed payment outlives the grace days, and invoice.paid settles it', async () => {
    const fixture = await createBillingFixture(db);
    const { stripeCustomerId, subscription, license } = await subscribedCustomer(fixture);
    const periodStart = unixTime() - 2 * DAY;
    const failedInvoice = invoiceObject({ customer: stripeCustomerId, subscription: subscription.id, periodStart, periodEnd: periodStart + 30 * DAY, paid: false });
    const failedAt = unixTime() - 60;
    expect((await deliver(stripeEvent('invoice.payment_failed', failedInvoice, { created: failedAt }))).body.status).toBe('processed');
    expect(await db.license.findUniqueOrThrow({ where: { id: license.id } })).toMatchObject({ status: 'ACTIVE', overdueSince: new Date(failedAt * 1000) });

    // The sweep (on every delivery and every instance's schedule) moves it once the grace runs out.
    expect(await markOverdueLicenses(db, new Date(Date.now() + graceMs() - 5 * 60 * 1000))).not.toContain(license.id);
    expect(await markOverdueLicenses(db, new Date(Date.now() + graceMs()))).toContain(license.id);
    expect(await db.license.findUniqueOrThrow({ where: { id: license.id } })).toMatchObject({ status: 'OVERDUE' });

    const paidThrough = unixTime() + 40 * DAY;
    const paidInvoice = invoiceObject({ customer: stripeCustomerId, subscription: subscription.id, periodStart: unixTime(), periodEnd: paidThrough, paid: true });
    expect((await deliver(stripeEvent('invoice.paid', paidInvoice))).body.status).toBe('processed');
    expect(await db.license.findUniqueOrThrow({ where: { id: license.id } })).toMatchObject({ status: 'ACTIVE', overdueSince: null, expiresAt: new Date(paidThrough * 1000 + graceMs()) });

    // The failure delivered late (older than the payment) changes nothing.
    expect((await deliver(stripeEvent('invoice.payment_failed', failedInvoice, { created: failedAt - 10 }))).body.status).toBe('ignored');
    expect(await db.license.findUniqueOrThrow({ where: { id: license.id } })).toMatchObject({ status: 'ACTIVE', overdueSince: null });
  });

  it('ends the license at the period end on customer.subscription.deleted', async () => {
    const fixture = await createBillingFixture(db);
    const periodEnd = unixTime() + 10 * DAY;
    const { subscription, license } = await subscribedCustomer(fixture, periodEnd);
    const deleted = { ...subscription, status: 'canceled', ended_at: unixTime(), canceled_at: unixTime() };
    expect((await deliver(stripeEvent('customer.subscription.deleted', deleted))).body.status).toBe('processed');
    expect(await db.license.findUniqueOrThrow({ where: { id: license.id } })).toMatchObject({ status: 'ACTIVE', expiresAt: new Date(periodEnd * 1000) });
    expect(await db.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: subscription.id } })).toMatchObject({ status: 'canceled' });
  });

  it('follows the billing email on customer.updated', async () => {
    const fixture = await createBillingFixture(db);
    const { stripeCustomerId } = await subscribedCustomer(fixture);
    const email = `accounts-${randomBytes(4).toString('hex')}@example.test`;
    expect((await deliver(stripeEvent('customer.updated', customerObject({ id: stripeCustomerId, email })))).body.status).toBe('processed');
    expect(await db.customer.findUniqueOrThrow({ where: { id: fixture.customerId } })).toMatchObject({ email });
  });

  it('accepts 100 deliveries a minute from one address, then answers 429 with Retry-After', async () => {
    const event = stripeEvent('payment_intent.created', { id: stripeId('pi'), object: 'payment_intent', amount: 100 });
    const ip = freshIp();
    const statuses = [];
    for (let delivery = 0; delivery < 100; delivery += 1) statuses.push((await deliver(event, { ip })).status);
    expect(statuses).toEqual(Array(100).fill(200));
    const { body, signature } = signedDelivery(event, WEBHOOK_SECRET);
    const limited = await POST(new Request('http://licensor.test/api/webhooks/stripe', { method: 'POST', headers: { 'stripe-signature': signature, [PEER_ADDRESS_HEADER]: ip }, body }));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('acknowledges and ignores event types it does not handle', async () => {
    const event = stripeEvent('payment_intent.created', { id: stripeId('pi'), object: 'payment_intent', amount: 4900 });
    expect(await deliver(event)).toEqual({ status: 200, body: { received: true, status: 'ignored' } });
    expect(await db.stripeEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({ status: 'IGNORED', error: null });
  });

  it('stores a failed event with its error and answers 500; it is processed again from the stored payload', async () => {
    const fixture = await createBillingFixture(db);
    const unmappedPrice = stripeId('price');
    const subscription = subscriptionObject({ customer: stripeId('cus'), priceId: unmappedPrice, metadata: { licensor_customer_id: fixture.customerId } });
    const event = stripeEvent('customer.subscription.created', subscription);

    const response = await deliver(event);
    expect(response.status).toBe(500);
    const failed = await db.stripeEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(failed.error).toContain(unmappedPrice);
    // Stripe's redelivery tries it again (and fails again, counted).
    expect((await deliver(event)).status).toBe(500);
    expect((await db.stripeEvent.findUniqueOrThrow({ where: { id: event.id } })).attempts).toBe(2);

    await setPlanStripeBilling(db, { planId: fixture.planId, stripePriceId: unmappedPrice, stripeMeterEventName: null }, { actor: admin });
    const result = await reprocessStripeEvent(db, event.id, { stripe: stripeClientFromEnv() }, { actor: admin });
    expect(result).toEqual({ status: 'PROCESSED', detail: null });
    expect(await db.stripeEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({ status: 'PROCESSED', error: null, attempts: 3 });
    expect(await subscriptionLicenses(fixture.customerId)).toHaveLength(1);
    await expect(reprocessStripeEvent(db, event.id, { stripe: null }, { actor: admin })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await deliver(event)).body.status).toBe('duplicate');
  });
});
