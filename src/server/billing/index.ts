export { billingConfiguration, createStripeClient, stripeClientFromEnv } from './stripe-client';
export type { StripeClient } from './stripe-client';
export { createBillingPortalLink, createSubscriptionCheckout, listBillingPlans, setPlanStripeBilling, subscribablePlans } from './checkout';
export { listFailedPayments, listStripeEvents, listSubscriptions, recurringRevenue, stripeEventCounts, subscriptionCounts } from './reports';
export { receiveStripeEvent, recordWebhookSignatureFailure, reprocessStripeEvent, verifyStripeWebhook } from './webhook';
export { markOverdueLicenses } from './subscription-licenses';
export { pushUsageToStripeMeters } from './usage-meters';
