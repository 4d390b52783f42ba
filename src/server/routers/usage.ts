import { AllCustomersUsageInput, USAGE_WINDOW_DAYS } from '@/lib/schemas/usage';
import { usageWindow } from '@/lib/usage-series';
import { adminApiProcedure, createTRPCRouter, customerApiProcedure } from '../trpc/init';
import { usageByMetricPerDay } from '../usage';

/** Reported usage (POST /api/v1/usage) per metric per day over 30 days: a customer's own, or every customer's for admins. */
export const usageRouter = createTRPCRouter({
  byDay: customerApiProcedure.meta({ apiKeyScope: 'billing:read' }).query(async ({ ctx }) => {
    const now = new Date();
    return usageWindow(await usageByMetricPerDay(ctx.db, { customerId: ctx.customerId, days: USAGE_WINDOW_DAYS }, now), USAGE_WINDOW_DAYS, now);
  }),
  allCustomersByDay: adminApiProcedure
    .meta({ apiKeyScope: 'admin' })
    .input(AllCustomersUsageInput)
    .query(async ({ ctx, input }) => {
      const now = new Date();
      return usageWindow(await usageByMetricPerDay(ctx.db, { customerId: input.customerId, days: USAGE_WINDOW_DAYS }, now), USAGE_WINDOW_DAYS, now);
    }),
});
