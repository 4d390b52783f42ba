import { createCallerFactory, createTRPCRouter } from '../trpc/init';
import { dashboardRouter } from './dashboard';
import { meRouter } from './me';
import { mfaRouter } from './mfa';
import { setupRouter } from './setup';

export const appRouter = createTRPCRouter({
  setup: setupRouter,
  me: meRouter,
  mfa: mfaRouter,
  dashboard: dashboardRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
