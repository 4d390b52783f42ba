import { DeactivateMachineInput, LicenseIdInput, LicenseValidationsInput, ListLicensesInput } from '@/lib/schemas/licensing';
import { deactivateLicenseMachine, getLicenseDetail, listLicenses, listLicenseValidations, rotateLicenseSigningSecret } from '../licensing/license-admin';
import { createTRPCRouter, customerApiProcedure, customerProcedure } from '../trpc/init';
import { actorOf } from './actor';

/**
 * A customer's own licenses. Every call is scoped to ctx.customerId, so another organisation's
 * license is NOT_FOUND, exactly like one that does not exist.
 */
export const portalRouter = createTRPCRouter({
  /** Also for scripts, with a customer key carrying licenses:read. */
  licenses: customerApiProcedure
    .meta({ apiKeyScope: 'licenses:read' })
    .input(ListLicensesInput.omit({ customerId: true }))
    .query(({ ctx, input }) => listLicenses(ctx.db, input, { customerId: ctx.customerId })),
  license: customerProcedure.input(LicenseIdInput).query(async ({ ctx, input }) => {
    // Risk scoring, the anomaly's wording and who issued it are the vendor's business, not the customer's.
    const { riskScore: _riskScore, suspiciousReason: _reason, issuedBy: _issuedBy, ...license } = await getLicenseDetail(ctx.db, input.licenseId, { customerId: ctx.customerId });
    return license;
  }),
  validations: customerProcedure
    .input(LicenseValidationsInput)
    .query(({ ctx, input: { licenseId, ...page } }) => listLicenseValidations(ctx.db, licenseId, page, { customerId: ctx.customerId })),
  deactivateMachine: customerProcedure
    .input(DeactivateMachineInput)
    .mutation(({ ctx, input }) => deactivateLicenseMachine(ctx.db, input, { actor: actorOf(ctx.user), meta: ctx.meta }, { customerId: ctx.customerId })),
  rotateSecret: customerProcedure
    .input(LicenseIdInput)
    .mutation(({ ctx, input }) => rotateLicenseSigningSecret(ctx.db, input, { actor: actorOf(ctx.user), meta: ctx.meta }, { customerId: ctx.customerId })),
});
