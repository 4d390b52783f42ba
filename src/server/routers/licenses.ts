import {
  ClearFlagInput,
  DeactivateMachineInput,
  ExtendLicenseInput,
  IssueAsResellerInput,
  IssueLicenseInput,
  LicenseIdInput,
  LicenseValidationsInput,
  ListLicensesInput,
  RevokeLicenseInput,
  SuspendLicenseInput,
  UpdateEntitlementsInput,
} from '@/lib/schemas/licensing';
import { issueLicense, type IssuedLicense } from '../licensing/issue';
import {
  clearLicenseFlag,
  deactivateLicenseMachine,
  extendLicenseExpiry,
  getLicenseDetail,
  issueLicenseAsReseller,
  listLicenseAuditEvents,
  listLicenses,
  listLicenseValidations,
  reinstateLicense,
  resetLicenseMachines,
  revokeLicense,
  rotateLicenseSigningSecret,
  suspendLicense,
  updateLicenseEntitlements,
} from '../licensing/license-admin';
import { adminProcedure, createTRPCRouter, resellerProcedure } from '../trpc/init';
import { actorOf } from './actor';

/** What the issuer sees once: the key and the signing secret, which cannot be read back later. */
const shownOnce = ({ license, licenseKey, signingSecret }: IssuedLicense) => ({
  licenseId: license.id,
  keyLast4: license.keyLast4,
  expiresAt: license.expiresAt,
  licenseKey,
  signingSecret,
});

/** License administration (admins), and issuance by resellers to their own customers. */
export const licensesRouter = createTRPCRouter({
  list: adminProcedure.input(ListLicensesInput).query(({ ctx, input }) => listLicenses(ctx.db, input)),
  get: adminProcedure.input(LicenseIdInput).query(({ ctx, input }) => getLicenseDetail(ctx.db, input.licenseId)),
  validations: adminProcedure
    .input(LicenseValidationsInput)
    .query(({ ctx, input: { licenseId, ...page } }) => listLicenseValidations(ctx.db, licenseId, page)),
  auditEvents: adminProcedure.input(LicenseIdInput).query(({ ctx, input }) => listLicenseAuditEvents(ctx.db, input.licenseId)),
  issue: adminProcedure.input(IssueLicenseInput).mutation(async ({ ctx, input }) =>
    shownOnce(await issueLicense(ctx.db, { ...input, issuedVia: 'ADMIN', issuedById: ctx.user.id }, actorOf(ctx.user), ctx.meta)),
  ),
  suspend: adminProcedure.input(SuspendLicenseInput).mutation(({ ctx, input }) => suspendLicense(ctx.db, input, { actor: actorOf(ctx.user), meta: ctx.meta })),
  reinstate: adminProcedure.input(LicenseIdInput).mutation(({ ctx, input }) => reinstateLicense(ctx.db, input, { actor: actorOf(ctx.user), meta: ctx.meta })),
  revoke: adminProcedure.input(RevokeLicenseInput).mutation(({ ctx, input }) => revokeLicense(ctx.db, input, { actor: actorOf(ctx.user), meta: ctx.meta })),
  extend: adminProcedure.input(ExtendLicenseInput).mutation(({ ctx, input }) => extendLicenseExpiry(ctx.db, input, { actor: actorOf(ctx.user), meta: ctx.meta })),
  updateEntitlements: adminProcedure
    .input(UpdateEntitlementsInput)
    .mutation(({ ctx, input }) => updateLicenseEntitlements(ctx.db, input, { actor: actorOf(ctx.user), meta: ctx.meta })),
  resetMachines: adminProcedure.input(LicenseIdInput).mutation(({ ctx, input }) => resetLicenseMachines(ctx.db, input, { actor: actorOf(ctx.user), meta: ctx.meta })),
  deactivateMachine: adminProcedure
    .input(DeactivateMachineInput)
    .mutation(({ ctx, input }) => deactivateLicenseMachine(ctx.db, input, { actor: actorOf(ctx.user), meta: ctx.meta })),
  rotateSecret: adminProcedure
    .input(LicenseIdInput)
    .mutation(({ ctx, input }) => rotateLicenseSigningSecret(ctx.db, input, { actor: actorOf(ctx.user), meta: ctx.meta })),
  clearFlag: adminProcedure.input(ClearFlagInput).mutation(({ ctx, input }) => clearLicenseFlag(ctx.db, input, { actor: actorOf(ctx.user), meta: ctx.meta })),
  issueAsReseller: resellerProcedure.input(IssueAsResellerInput).mutation(async ({ ctx, input }) =>
    shownOnce(await issueLicenseAsReseller(ctx.db, { ...input, resellerId: ctx.user.id }, { actor: actorOf(ctx.user), meta: ctx.meta })),
  ),
  /** The licenses of the reseller's own customers. */
  resellerList: resellerProcedure.input(ListLicensesInput).query(({ ctx, input }) => listLicenses(ctx.db, input, { resellerId: ctx.user.id })),
});
