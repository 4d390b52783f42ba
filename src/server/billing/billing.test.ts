import { describe, expect, it } from 'vitest';
import { invoiceObject, subscriptionObject } from '../../../tests/stripe-events';
import { isOlderSubscriptionState } from './event-handlers';
import { paymentRiskScore } from './payment-risk';
import { invoicePeriodEnd, invoiceSubscriptionId, StripeInvoiceObject, StripeSubscriptionObject, subscriptionMonthlyRevenue, subscriptionPeriodEnd } from './stripe-objects';

const policy = { alertThreshold: 0.7, lookbackDays: 90, refundWeight: 0.25, disputeWeight: 0.5, checkoutBurstPerHour: 3, checkoutBurstWeight: 0.15 };

describe('paymentRiskScore', () => {
  it('is 0 without signals, weighs disputes above refunds, counts Checkout sessions beyond the hourly burst only, and stops at 1', () => {
    expect(paymentRiskScore({ refunds: 0, disputes: 0, checkoutsLastHour: 3 }, policy)).toBe(0);
    expect(paymentRiskScore({ refunds: 1, disputes: 0, checkoutsLastHour: 0 }, policy)).toBe(0.25);
    expect(paymentRiskScore({ refunds: 0, disputes: 1, checkoutsLastHour: 0 }, policy)).toBe(0.5);
    expect(paymentRiskScore({ refunds: 0, disputes: 0, checkoutsLastHour: 5 }, policy)).toBe(0.3);
    expect(paymentRiskScore({ refunds: 3, disputes: 2, checkoutsLastHour: 10 }, policy)).toBe(1);
  });
});

describe('isOlderSubscriptionState', () => {
  const at = (seconds: number) => new Date(seconds * 1000);
  const stored = { lastEventAt: at(1000), currentPeriodEnd: at(5000), status: 'past_due' };

  it('applies anything to a subscription no event has set yet', () => {
    expect(isOlderSubscriptionState({ lastEventAt: null, currentPeriodEnd: null, status: 'active' }, { eventAt: at(1), periodEnd: null, status: 'incomplete' })).toBe(false);
  });

  it('orders by the event time first', () => {
    expect(isOlderSubscriptionState(stored, { eventAt: at(999), periodEnd: at(9000), status: 'active' })).toBe(true);
    expect(isOlderSubscriptionState(stored, { eventAt: at(1001), periodEnd: at(1000), status: 'incomplete' })).toBe(false);
  });

  it('within the same second, by the period end, then by the status’s place in a subscription’s life', () => {
    expect(isOlderSubscriptionState(stored, { eventAt: at(1000), periodEnd: at(4000), status: 'canceled' })).toBe(true);
    expect(isOlderSubscriptionState(stored, { eventAt: at(1000), periodEnd: at(6000), status: 'active' })).toBe(false);
    expect(isOlderSubscriptionState(stored, { eventAt: at(1000), periodEnd: at(5000), status: 'active' })).toBe(true);
    expect(isOlderSubscriptionState(stored, { eventAt: at(1000), periodEnd: at(5000), status: 'canceled' })).toBe(false);
  });
});

describe('Stripe payloads', () => {
  it('reads the period end from the items (current API) or the subscription (older API versions)', () => {
    const current = StripeSubscriptionObject.parse(subscriptionObject({ customer: 'cus_1', priceId: 'price_1', periodEnd: 2_000_000_000 }));
    expect(subscriptionPeriodEnd(current)).toEqual(new Date(2_000_000_000_000));
    const older = StripeSubscriptionObject.parse({ ...current, current_period_end: 1_900_000_000, items: { data: [{ ...current.items.data[0], current_period_end: undefined }] } });
    expect(subscriptionPeriodEnd(older)).toEqual(new Date(1_900_000_000_000));
  });

  it('turns prices into monthly revenue: a yearly price counts a twelfth, quantities multiply', () => {
    const monthly = StripeSubscriptionObject.parse(subscriptionObject({ customer: 'cus_1', priceId: 'price_1', unitAmount: 4900 }));
    expect(subscriptionMonthlyRevenue(monthly)).toEqual({ cents: 4900, currency: 'usd' });
    const yearly = StripeSubscriptionObject.parse(subscriptionObject({ customer: 'cus_1', priceId: 'price_1', unitAmount: 120_000, interval: 'year' }));
    expect(subscriptionMonthlyRevenue(yearly)).toEqual({ cents: 10_000, currency: 'usd' });
    const seats = { ...monthly, items: { data: [{ ...monthly.items.data[0]!, quantity: 3 }] } };
    expect(subscriptionMonthlyRevenue(seats)).toEqual({ cents: 14_700, currency: 'usd' });
  });

  it('finds an invoice’s subscription under parent (current API) or on the invoice (older), and the paid period’s end', () => {
    const invoice = StripeInvoiceObject.parse(invoiceObject({ customer: 'cus_1', subscription: 'sub_1', periodStart: 1_000, periodEnd: 2_000, paid: true }));
    expect(invoiceSubscriptionId(invoice)).toBe('sub_1');
    expect(invoicePeriodEnd(invoice)).toEqual(new Date(2_000_000));
    const older = StripeInvoiceObject.parse({ ...invoice, parent: null, subscription: 'sub_2', lines: { data: [] } });
    expect(invoiceSubscriptionId(older)).toBe('sub_2');
    expect(invoicePeriodEnd(older)).toBeNull();
  });
});
