import { z } from 'zod';
import { completeFirstRunSetup, isSetupComplete } from '../auth';
import { createTRPCRouter, publicProcedure } from '../trpc/init';
import { SetupInput } from '@/lib/schemas/auth';

export const setupRouter = createTRPCRouter({
  status: publicProcedure.output(z.object({ complete: z.boolean() })).query(async ({ ctx }) => ({
    complete: await isSetupComplete(ctx.db),
  })),
  createFirstAdmin: publicProcedure
    .input(SetupInput)
    .output(z.object({ id: z.string(), email: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const user = await completeFirstRunSetup(ctx.db, input, ctx.meta);
      return { id: user.id, email: user.email };
    }),
});
