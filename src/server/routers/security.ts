import {
  AlertActionInput,
  BlockIpInput,
  DashboardInput,
  LiftIpBlockInput,
  ListAlertsInput,
  ListIpBlocksInput,
  ListSignInAttemptsInput,
  ListValidationAttemptsInput,
  ListWebhookFailuresInput,
} from '@/lib/schemas/security';
import { acknowledgeAlert, listAlerts, resolveAlert } from '../security/alerts';
import { getSecurityDashboard, listSignInAttempts, listValidationAttempts, listWebhookFailures } from '../security/dashboard';
import { blockIpManually, liftIpBlock, listIpBlocks } from '../security/ip-block-admin';
import { adminProcedure, createTRPCRouter } from '../trpc/init';
import { actorOf } from './actor';

/** The security dashboard and the lists behind its tiles, alerts, and IP blocks (admins). */
export const securityRouter = createTRPCRouter({
  dashboard: adminProcedure.input(DashboardInput).query(({ ctx, input }) => getSecurityDashboard(ctx.db, input.window)),
  validations: adminProcedure.input(ListValidationAttemptsInput).query(({ ctx, input }) => listValidationAttempts(ctx.db, input)),
  signIns: adminProcedure.input(ListSignInAttemptsInput).query(({ ctx, input }) => listSignInAttempts(ctx.db, input)),
  webhookFailures: adminProcedure.input(ListWebhookFailuresInput).query(({ ctx, input }) => listWebhookFailures(ctx.db, input)),
  alerts: adminProcedure.input(ListAlertsInput).query(({ ctx, input }) => listAlerts(ctx.db, input)),
  acknowledgeAlert: adminProcedure.input(AlertActionInput).mutation(({ ctx, input }) => acknowledgeAlert(ctx.db, input, { actor: actorOf(ctx.user), meta: ctx.meta })),
  resolveAlert: adminProcedure.input(AlertActionInput).mutation(({ ctx, input }) => resolveAlert(ctx.db, input, { actor: actorOf(ctx.user), meta: ctx.meta })),
  ipBlocks: adminProcedure.input(ListIpBlocksInput).query(({ ctx, input }) => listIpBlocks(ctx.db, input)),
  blockIp: adminProcedure.input(BlockIpInput).mutation(({ ctx, input }) => blockIpManually(ctx.db, input, { actor: actorOf(ctx.user), meta: ctx.meta })),
  liftIpBlock: adminProcedure.input(LiftIpBlockInput).mutation(({ ctx, input }) => liftIpBlock(ctx.db, input, { actor: actorOf(ctx.user), meta: ctx.meta })),
});
