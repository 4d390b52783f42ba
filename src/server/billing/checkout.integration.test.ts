import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBillingFixture } from '../../../tests/billing-fixtures';
import { describeWithDatabase } from '../../../tests/helpers';
import { stripeId } from '../../../tests/stripe-events';
import { startStripeFake, type StripeFake } from '../../../tests/stripe-fake';
import { getDb, type Db } from '../db';
import { issueLicense } from '../licensing';
import { createBillingPortalLink, createStripeClient, createSubscriptionCheckout, pushUsageToStripeMeters, setPlanStripeBilling, type StripeClient } from '.';

const actor = { type: 'system' as const, label: 'test' };
const urls = { successUrl: 'http://licensor.test/portal/billing?checkout=success', cancelUrl: 'http://licensor.test/portal/billing?checkout=cancelled' };

let fake: StripeFake;
let stripe: StripeClient;
let db: Db;

beforeAll(async () => {
  fake = await startStripeFake();
  const endpoint = new URL(fake.url);
  // No automatic retries here, so an injected failure is seen by Licensor's own retry (the next run).
  stripe = createStripeClient(fake.secretKey, { host: endpoint.hostname, port: Number(endpoint.port), protocol: 'http' }, { maxNetworkRetries: 0 });
  db = await getDb();
});

afterAll(async () => {
  await fake?.close();
});

describeWithDatabase('Checkout and the Billing Portal', () => {
  it('creates a subscription Checkout carrying the customer and plan ids, and audits it as a payment-risk signal', async () => {
    const fixture = await createBillingFixture(db);
    const checkout = await createSubscriptionCheckout(db, stripe, { customerId: fixture.customerId, planId: fixture.planId, ...urls }, { actor });

    expect(checkout.url).toBe(`${fake.url}/checkout/${checkout.checkoutSessionId}`);
    const request = fake.requests.findLast((entry) => entry.path === '/v1/checkout/sessions')!;
    expect(request.params).toMatchObject({
      mode: 'subscription',
      line_items: [{ price: fixture.priceId, quantity: '1' }],
      customer_email: fixture.customerEmail,
      client_reference_id: fixture.customerId,
      metadata: { licensor_customer_id: fixture.customerId, licensor_plan_id: fixture.planId },
      subscription_data: { metadata: { licensor_customer_id: fixture.customerId, licensor_plan_id: fixture.planId } },
      success_url: urls.successUrl,
    });
    expect(await db.auditEvent.count({ where: { action: 'billing.checkout_create', customerId: fixture.customerId } })).toBe(1);
  });

  it('scores a burst of Checkout sessions as payment risk', async () => {
    const fixture = await createBillingFixture(db);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await createSubscriptionCheckout(db, stripe, { customerId: fixture.customerId, planId: fixture.planId, ...urls }, { actor });
    }
    // Three an hour are normal; each one beyond adds its weight.
    expect((await db.customer.findUniqueOrThrow({ where: { id: fixture.customerId } })).paymentRiskScore).toBeCloseTo(0.3);
  });

  it('refuses clearly: Stripe not configured, a plan without a price, an unknown customer', async () => {
    const fixture = await createBillingFixture(db);
    await expect(createSubscriptionCheckout(db, null, { customerId: fixture.customerId, planId: fixture.planId, ...urls }, { actor })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: expect.stringContaining('STRIPE_SECRET_KEY'),
    });
    await setPlanStripeBilling(db, { planId: fixture.planId, stripePriceId: '', stripeMeterEventName: '' }, { actor });
    await expect(createSubscriptionCheckout(db, stripe, { customerId: fixture.customerId, planId: fixture.planId, ...urls }, { actor })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    await expect(createSubscriptionCheckout(db, stripe, { customerId: '01890000-0000-7000-8000-000000000000', planId: fixture.planId, ...urls }, { actor })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a price another plan uses', async () => {
    const [first, second] = await Promise.all([createBillingFixture(db), createBillingFixture(db)]);
    await expect(setPlanStripeBilling(db, { planId: second.planId, stripePriceId: first.priceId, stripeMeterEventName: null }, { actor })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('opens the Billing Portal for a customer with a Stripe customer, and says to subscribe first otherwise', async () => {
    const fixture = await createBillingFixture(db);
    await expect(createBillingPortalLink(db, stripe, { customerId: fixture.customerId, returnUrl: urls.cancelUrl }, { actor })).rejects.toMatchObject({ code: 'CONFLICT' });
    const stripeCustomer = await stripe.customers.create({ email: fixture.customerEmail });
    await db.customer.update({ where: { id: fixture.customerId }, data: { stripeCustomerId: stripeCustomer.id } });

    const portal = await createBillingPortalLink(db, stripe, { customerId: fixture.customerId, returnUrl: urls.cancelUrl }, { actor });
    expect(portal.url).toMatch(new RegExp(`^${fake.url}/billing-portal/bps_`));
    expect(fake.requests.findLast((entry) => entry.path === '/v1/billing_portal/sessions')!.params).toEqual({ customer: stripeCustomer.id, return_url: urls.cancelUrl });
    // Checkout now reuses the Stripe customer instead of an email.
    await createSubscriptionCheckout(db, stripe, { customerId: fixture.customerId, planId: fixture.planId, ...urls }, { actor });
    expect(fake.requests.findLast((entry) => entry.path === '/v1/checkout/sessions')!.params).toMatchObject({ customer: stripeCustomer.id });
  });
});

describeWithDatabase('usage to Stripe meters', () => {
  async function meteredUsage(count: number) {
    const meterEventName = `api_calls_${stripeId('m').slice(-8)}`;
    const fixture = await createBillingFixture(db, { meterEventName });
    const stripeCustomerId = stripeId('cus');
    await db.customer.update({ where: { id: fixture.customerId }, data: { stripeCustomerId } });
    const { license } = await issueLicense(db, { customerId: fixture.customerId, planId: fixture.planId, issuedVia: 'ADMIN' }, actor);
    const occurredAt = new Date(Date.now() - 60_000);
    await db.usageRecord.createMany({
      data: Array.from({ length: count }, (_, index) => ({ customerId: fixture.customerId, licenseId: license.id, metric: 'api.calls', quantity: index + 1, occurredAt, idempotencyKey: `usage-${index}` })),
    });
    const ids = (await db.usageRecord.findMany({ where: { customerId: fixture.customerId }, orderBy: { id: 'asc' }, select: { id: true } })).map((row) => row.id);
    return { fixture, stripeCustomerId, meterEventName, ids };
  }

  it('pushes each record once, as a meter event identified by the record, and marks it pushed', async () => {
    const { stripeCustomerId, meterEventName, ids } = await meteredUsage(3);
    await pushUsageToStripeMeters(db, stripe);

    for (const [index, id] of ids.entries()) {
      expect(fake.meterEvents.get(`licensor-usage-${id}`)).toMatchObject({ event_name: meterEventName, payload: { stripe_customer_id: stripeCustomerId, value: String(index + 1) } });
    }
    expect(await db.usageRecord.count({ where: { id: { in: ids }, pushedToStripeAt: null } })).toBe(0);
    const sent = fake.requests.filter((entry) => entry.path === '/v1/billing/meter_events').length;
    await pushUsageToStripeMeters(db, stripe);
    expect(fake.requests.filter((entry) => entry.path === '/v1/billing/meter_events').length).toBe(sent);
  });

  it('keeps records Stripe failed on, and pushes them on the next run', async () => {
    const { ids } = await meteredUsage(2);
    fake.failNext('/v1/billing/meter_events', 2);
    const failedRun = await pushUsageToStripeMeters(db, stripe);
    expect(failedRun).toMatchObject({ pushed: 0, failed: 2 });
    expect(await db.usageRecord.count({ where: { id: { in: ids }, pushedToStripeAt: null } })).toBe(2);

    await pushUsageToStripeMeters(db, stripe);
    expect(await db.usageRecord.count({ where: { id: { in: ids }, pushedToStripeAt: null } })).toBe(0);
  });
});
