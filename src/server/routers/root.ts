import { createCallerFactory, createTRPCRouter } from '../trpc/init';
import { accountRouter } from './account';
import { authRouter } from './auth';
import { dashboardRouter } from './dashboard';
import { meRouter } from './me';
import { mfaRouter } from './mfa';
import { setupRouter } from './setup';
import { usersRouter } from './users';

export const appRouter = createTRPCRouter({
  setup: setupRouter,
  auth: authRouter,
  account: accountRouter,
  users: usersRouter,
  me: meRouter,
  mfa: mfaRouter,
  dashboard: dashboardRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
