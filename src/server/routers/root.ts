import { createCallerFactory, createTRPCRouter } from '../trpc/init';
import { accountRouter } from './account';
import { apiKeysRouter } from './api-keys';
import { auditRouter } from './audit';
import { authRouter } from './auth';
import { billingRouter } from './billing';
import { catalogRouter } from './catalog';
import { customersRouter } from './customers';
import { dashboardRouter } from './dashboard';
import { licensesRouter } from './licenses';
import { meRouter } from './me';
import { mfaRouter } from './mfa';
import { portalRouter } from './portal';
import { securityRouter } from './security';
import { setupRouter } from './setup';
import { usageRouter } from './usage';
import { usersRouter } from './users';

export const appRouter = createTRPCRouter({
  setup: setupRouter,
  auth: authRouter,
  account: accountRouter,
  users: usersRouter,
  me: meRouter,
  mfa: mfaRouter,
  dashboard: dashboardRouter,
  catalog: catalogRouter,
  customers: customersRouter,
  licenses: licensesRouter,
  portal: portalRouter,
  billing: billingRouter,
  apiKeys: apiKeysRouter,
  usage: usageRouter,
  audit: auditRouter,
  security: securityRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
