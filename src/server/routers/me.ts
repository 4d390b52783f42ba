import { authedProcedure, createTRPCRouter } from '../trpc/init';

export const meRouter = createTRPCRouter({
  get: authedProcedure.query(({ ctx }) => ctx.user),
});
