import {
  CreateCheckoutLinkInput,
  ListBillingPlansInput,
  ListFailedPaymentsInput,
  ListStripeEventsInput,
  ListSubscriptionsInput,
  SetPlanStripeBillingInput,
  StripeEventIdInput,
  SubscribeInput,
} from '@/lib/schemas/billing';
import {
  createBillingPortalLink,
  createSubscriptionCheckout,
  listBillingPlans,
  listFailedPayments,
  listStripeEvents,
  listSubscriptions,
  reprocessStripeEvent,
  setPlanStripeBilling,
  stripeClientFromEnv,
} from '../billing';
import { getEnv } from '../env';
import { adminProcedure, createTRPCRouter, customerProcedure } from '../trpc/init';
import { actorOf } from './actor';

/** Where Checkout and the Billing Portal send the customer back to. */
const portalBillingUrl = (query = '') => `${getEnv().APP_URL}/portal/billing${query}`;

/** Billing: admins see subscriptions, revenue and the webhook log; customers subscribe and manage their billing. */
export const billingRouter = createTRPCRouter({
  subscriptions: adminProcedure.input(ListSubscriptionsInput).query(({ ctx, input }) => listSubscriptions(ctx.db, input)),
  failedPayments: adminProcedure.input(ListFailedPaymentsInput).query(({ ctx, input }) => listFailedPayments(ctx.db, input)),
  events: adminProcedure.input(ListStripeEventsInput).query(({ ctx, input }) => listStripeEvents(ctx.db, input)),
  reprocessEvent: adminProcedure
    .input(StripeEventIdInput)
    .mutation(({ ctx, input }) => reprocessStripeEvent(ctx.db, input.eventId, { stripe: stripeClientFromEnv() }, { actor: ctx.actor, meta: ctx.meta })),
  plans: adminProcedure.input(ListBillingPlansInput).query(({ ctx, input }) => listBillingPlans(ctx.db, input)),
  setPlanStripeBilling: adminProcedure.input(SetPlanStripeBillingInput).mutation(({ ctx, input }) => setPlanStripeBilling(ctx.db, input, { actor: ctx.actor, meta: ctx.meta })),
  createCheckoutLink: adminProcedure.input(CreateCheckoutLinkInput).mutation(({ ctx, input }) =>
    createSubscriptionCheckout(
      ctx.db,
      stripeClientFromEnv(),
      { ...input, successUrl: portalBillingUrl('?checkout=success'), cancelUrl: portalBillingUrl('?checkout=cancelled') },
      { actor: ctx.actor, meta: ctx.meta },
    ),
  ),

  subscribe: customerProcedure.input(SubscribeInput).mutation(({ ctx, input }) =>
    createSubscriptionCheckout(
      ctx.db,
      stripeClientFromEnv(),
      { customerId: ctx.customerId, planId: input.planId, successUrl: portalBillingUrl('?checkout=success'), cancelUrl: portalBillingUrl('?checkout=cancelled') },
      { actor: actorOf(ctx.user), meta: ctx.meta },
    ),
  ),
  manageBilling: customerProcedure.mutation(({ ctx }) =>
    createBillingPortalLink(ctx.db, stripeClientFromEnv(), { customerId: ctx.customerId, returnUrl: portalBillingUrl() }, { actor: actorOf(ctx.user), meta: ctx.meta }),
  ),
});
