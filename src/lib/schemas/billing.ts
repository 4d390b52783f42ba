import { z } from 'zod';
import { Id } from './licensing';

/** Shapes shared by the billing forms, the tRPC procedures and the billing domain. */

const PageSize = z.int().min(1).max(100).default(25);

/** Stripe's subscription statuses, for the admin list's filter. */
export const SubscriptionStatusName = z.enum(['active', 'trialing', 'past_due', 'unpaid', 'paused', 'incomplete', 'incomplete_expired', 'canceled']);
export type SubscriptionStatusName = z.infer<typeof SubscriptionStatusName>;

export const ListSubscriptionsInput = z.object({ status: SubscriptionStatusName.optional(), cursor: Id.optional(), limit: PageSize });
export type ListSubscriptionsInput = z.input<typeof ListSubscriptionsInput>;

export const StripeEventStatusName = z.enum(['RECEIVED', 'PROCESSED', 'IGNORED', 'FAILED']);
export type StripeEventStatusName = z.infer<typeof StripeEventStatusName>;

/** Stripe event ids are `evt_` and letters and digits. */
export const StripeEventId = z.string().regex(/^evt_[A-Za-z0-9_]{1,250}$/, 'Must be a Stripe event id (evt_…)');

export const ListStripeEventsInput = z.object({ status: StripeEventStatusName.optional(), cursor: StripeEventId.optional(), limit: PageSize });
export type ListStripeEventsInput = z.input<typeof ListStripeEventsInput>;

export const ListFailedPaymentsInput = z.object({ cursor: StripeEventId.optional(), limit: PageSize });
export type ListFailedPaymentsInput = z.input<typeof ListFailedPaymentsInput>;

export const StripeEventIdInput = z.object({ eventId: StripeEventId });
export type StripeEventIdInput = z.infer<typeof StripeEventIdInput>;

export const ListBillingPlansInput = z.object({ cursor: Id.optional(), limit: PageSize });
export type ListBillingPlansInput = z.input<typeof ListBillingPlansInput>;

/** An empty field (or null) clears the value; anything else must match. */
const Clearable = (pattern: RegExp, message: string) =>
  z
    .union([z.null(), z.string().trim()])
    .transform((value) => (value === '' ? null : value))
    .pipe(z.string().regex(pattern, message).nullable());

export const SetPlanStripeBillingInput = z.object({
  planId: Id,
  stripePriceId: Clearable(/^price_[A-Za-z0-9_]{1,250}$/, 'Use a Stripe price id (price_…)'),
  /** The event name of a Stripe billing meter that receives this plan's usage. */
  stripeMeterEventName: Clearable(/^[A-Za-z0-9_.:-]{1,100}$/, 'Use the meter’s event name: letters, digits and _ . : - (at most 100)'),
});
export type SetPlanStripeBillingInput = z.input<typeof SetPlanStripeBillingInput>;

export const CreateCheckoutLinkInput = z.object({ customerId: Id, planId: Id });
export type CreateCheckoutLinkInput = z.infer<typeof CreateCheckoutLinkInput>;

export const SubscribeInput = z.object({ planId: Id });
export type SubscribeInput = z.infer<typeof SubscribeInput>;
