import { z } from 'zod';

/** The usage pages' window: usage per metric per day (UTC) over the last 30 days. */
export const USAGE_WINDOW_DAYS = 30;

/** The admin's usage view: every customer, or one. */
export const AllCustomersUsageInput = z.object({ customerId: z.uuid({ message: 'Must be an id' }).optional() });
export type AllCustomersUsageInput = z.infer<typeof AllCustomersUsageInput>;
