import { setPlanStripeBilling } from '../src/server/billing';
import { disconnectDb, getDb } from '../src/server/db';
import { createPlan, createProduct } from '../src/server/licensing';
import { signedDelivery, stripeEvent, stripeId } from '../tests/stripe-events';
import { createCustomerUser, createStaffWithMfa, signInContext, uniqueTag } from './fixtures';
import { expect, test } from './test';

/**
 * Billing against the local Stripe fake that e2e/global-setup.ts starts (the server's
 * STRIPE_API_BASE_URL): the portal's Subscribe goes to the fake's Checkout page; the signed
 * webhook events a paid Checkout causes make the license appear in the portal and the admin.
 */

test.afterAll(async () => {
  await disconnectDb();
});

const systemActor = { type: 'system' as const, label: 'e2e' };

/** A product and a plan sold at a Stripe price, made through the domain functions. */
async function planSoldOnline() {
  const db = await getDb();
  const tag = uniqueTag();
  const product = await createProduct(db, { name: `Cloud Panel ${tag}`, slug: `cloud-panel-${tag}` }, systemActor);
  const plan = await createPlan(db, { productId: product.id, name: `Team ${tag}`, durationDays: 30, maxMachines: 5, features: ['core'], priceCents: 4900, currency: 'usd' }, systemActor);
  await setPlanStripeBilling(db, { planId: plan.id, stripePriceId: stripeId('price'), stripeMeterEventName: null }, { actor: systemActor });
  return { planName: plan.name, productName: product.name };
}

test('a customer subscribes through the Stripe fake’s Checkout; the signed webhooks bring the license to the portal and the admin', async ({ page, browser, request }) => {
  const stripeUrl = process.env.STRIPE_API_BASE_URL!;
  const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET!;
  const { planName, productName } = await planSoldOnline();
  const customer = await createCustomerUser('Bea');
  await signInContext(page.context(), customer);

  const checkoutSessionId = await test.step('Subscribe leads to the fake Checkout page', async () => {
    await page.goto('/portal/billing');
    await expect(page.getByRole('heading', { name: 'Billing', level: 1 })).toBeVisible();
    await expect(page.getByText('No subscriptions')).toBeVisible();
    await page.getByRole('button', { name: `Subscribe to ${planName}` }).click();
    await page.waitForURL(new RegExp(`^${stripeUrl}/checkout/cs_`));
    await expect(page.getByRole('heading', { name: 'Stripe Checkout (test fake)' })).toBeVisible();
    return new URL(page.url()).pathname.split('/').pop()!;
  });

  await test.step('the paid Checkout’s signed events are accepted', async () => {
    // What paying on the Checkout page does at Stripe: a customer, an active subscription, the session complete.
    const paid = await request.post(`${stripeUrl}/_fake/checkout/sessions/${checkoutSessionId}/complete`);
    expect(paid.ok()).toBe(true);
    const { session, subscription } = (await paid.json()) as { session: { id: string }; subscription: { id: string } };
    for (const event of [stripeEvent('checkout.session.completed', session), stripeEvent('customer.subscription.created', subscription)]) {
      const { body, signature } = signedDelivery(event, webhookSecret);
      const delivered = await request.post('/api/webhooks/stripe', { headers: { 'content-type': 'application/json', 'stripe-signature': signature }, data: body });
      expect(await delivered.json()).toEqual({ received: true, status: 'processed' });
    }
  });

  const license = await test.step('the license appears in the portal', async () => {
    const db = await getDb();
    const user = await db.user.findUniqueOrThrow({ where: { id: customer.id }, select: { customerId: true } });
    const issued = await db.license.findFirstOrThrow({ where: { customerId: user.customerId!, issuedVia: 'SUBSCRIPTION' }, select: { keyLast4: true } });

    await page.goto('/portal/billing?checkout=success');
    await expect(page.getByRole('status').filter({ hasText: 'your payment went through' })).toBeVisible();
    const row = page.getByRole('row', { name: new RegExp(planName) });
    await expect(row).toContainText('active');
    await expect(row.getByRole('link', { name: new RegExp(issued.keyLast4) })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Manage billing' })).toBeVisible();

    await page.goto('/portal/licenses');
    await expect(page.getByText(`…${issued.keyLast4}`)).toBeVisible();
    return issued;
  });

  await test.step('Manage billing opens the fake Billing Portal', async () => {
    await page.goto('/portal/billing');
    await page.getByRole('button', { name: 'Manage billing' }).click();
    await page.waitForURL(new RegExp(`^${stripeUrl}/billing-portal/bps_`));
    await expect(page.getByRole('heading', { name: 'Stripe Billing Portal (test fake)' })).toBeVisible();
  });

  await test.step('the admin sees the subscription and its license', async () => {
    const admin = await createStaffWithMfa('ADMIN', 'Iris');
    const adminContext = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': '198.18.200.7' } });
    await signInContext(adminContext, admin);
    const adminPage = await adminContext.newPage();
    await adminPage.goto('/admin/billing?status=active');
    const row = adminPage.getByRole('row', { name: new RegExp(customer.customerName) });
    await expect(row).toContainText(`${productName} · ${planName}`);
    await expect(row.getByRole('link', { name: new RegExp(license.keyLast4) })).toBeVisible();

    await adminPage.goto('/admin/billing/events');
    await expect(adminPage.getByRole('row', { name: /checkout\.session\.completed/ }).first()).toContainText('processed');
    await adminContext.close();
  });
});
