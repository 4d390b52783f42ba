import type { Db } from '../src/server/db';
import { setPlanStripeBilling } from '../src/server/billing';
import { createCustomer, createPlan, createProduct } from '../src/server/licensing';
import { unique, uniqueEmail } from './helpers';
import { stripeId } from './stripe-events';

const system = { type: 'system' as const, label: 'test fixture' };

export type BillingFixture = { planId: string; priceId: string; customerId: string; customerEmail: string; meterEventName: string | null };

/** A plan sold at a Stripe price (and, when asked, metered) and a customer, made through the domain functions. */
export async function createBillingFixture(db: Db, options: { meterEventName?: string; features?: string[] } = {}): Promise<BillingFixture> {
  const product = await createProduct(db, { name: unique('Product'), slug: unique('product').toLowerCase() }, system);
  const plan = await createPlan(
    db,
    { productId: product.id, name: unique('Plan'), durationDays: 30, maxMachines: 3, features: options.features ?? ['core'], priceCents: 4900, currency: 'usd' },
    system,
  );
  const priceId = stripeId('price');
  await setPlanStripeBilling(db, { planId: plan.id, stripePriceId: priceId, stripeMeterEventName: options.meterEventName ?? null }, { actor: system });
  const customerEmail = uniqueEmail('billing');
  const customer = await createCustomer(db, { name: unique('Customer'), email: customerEmail }, system);
  return { planId: plan.id, priceId, customerId: customer.id, customerEmail, meterEventName: options.meterEventName ?? null };
}

/** The metadata Licensor's own Checkout puts on the session and the subscription. */
export const licensorMetadata = (fixture: Pick<BillingFixture, 'customerId' | 'planId'>) => ({ licensor_customer_id: fixture.customerId, licensor_plan_id: fixture.planId });
