import { getAdminDashboardSummary } from '../reports/dashboard';
import { adminProcedure, createTRPCRouter } from '../trpc/init';

export const dashboardRouter = createTRPCRouter({
  summary: adminProcedure.query(({ ctx }) => getAdminDashboardSummary(ctx.db)),
});
