import { AuditEventInput, AuditFilter, CustomerActivityInput, ListAuditEventsInput } from '@/lib/schemas/audit';
import {
  auditEventsPerDay,
  checkpointChainHead,
  getAuditEvent,
  listAuditEvents,
  listCustomerActivity,
  recordAuditEvent,
  verifyAuditIntegrity,
} from '../audit';
import { adminProcedure, createTRPCRouter, customerProcedure } from '../trpc/init';

/** The audit explorer, chain verification and checkpoints (admins), and a customer's own activity. */
export const auditRouter = createTRPCRouter({
  list: adminProcedure.input(ListAuditEventsInput).query(({ ctx, input: { cursor, limit, ...filter } }) => listAuditEvents(ctx.db, filter, { cursor, limit })),
  get: adminProcedure.input(AuditEventInput).query(({ ctx, input }) => getAuditEvent(ctx.db, input.sequence)),
  perDay: adminProcedure.input(AuditFilter).query(({ ctx, input }) => auditEventsPerDay(ctx.db, input)),
  /** Verifies the whole chain and every checkpoint; the result is itself audited. */
  verify: adminProcedure.mutation(async ({ ctx }) => {
    const report = await verifyAuditIntegrity(ctx.db);
    await recordAuditEvent(ctx.db, {
      actor: ctx.actor,
      action: 'audit.verify',
      ip: ctx.meta.ip,
      userAgent: ctx.meta.userAgent,
      severity: report.ok ? 'INFO' : 'CRITICAL',
      metadata: { ok: report.ok, checkedEvents: report.checkedEvents, brokenAt: report.brokenAt?.toString() ?? null, reason: report.reason },
    });
    return report;
  }),
  checkpoints: adminProcedure.query(async ({ ctx }) => {
    const [count, latest] = await Promise.all([
      ctx.db.auditCheckpoint.count(),
      ctx.db.auditCheckpoint.findMany({ orderBy: [{ sequence: 'desc' }, { createdAt: 'desc' }], take: 10 }),
    ]);
    return { count, latest };
  }),
  /** Signs the chain head now (audited first, so the checkpoint covers its own event). */
  createCheckpoint: adminProcedure.mutation(({ ctx }) =>
    ctx.db.$transaction(async (tx) => {
      await recordAuditEvent(tx, { actor: ctx.actor, action: 'audit.checkpoint', ip: ctx.meta.ip, userAgent: ctx.meta.userAgent });
      return checkpointChainHead(tx, 'manual');
    }),
  ),
  activity: customerProcedure.input(CustomerActivityInput).query(({ ctx, input }) => listCustomerActivity(ctx.db, ctx.customerId, input)),
});
