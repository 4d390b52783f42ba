import { z } from 'zod';
import { Email } from './auth';

/** Shapes shared by the licensing forms, the tRPC procedures and the admin CLI. */

export const Id = z.uuid({ message: 'Must be an id' });

/** PROTOCOL.md section 1: 2 to 8 upper-case ASCII letters. Lower case is accepted and upper-cased. */
export const KeyPrefix = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2,8}$/, 'Use 2 to 8 letters A to Z')
  .transform((prefix) => prefix.toUpperCase());

export const Slug = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, 'Use at least 2 characters')
  .max(64, 'Use at most 64 characters')
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Use lower-case letters, digits and single dashes');

/** A feature name and the usage metric of its quota (PROTOCOL.md section 4). */
export const FeatureName = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_.:-]{0,63}$/, 'Use lower-case letters, digits and _ . : - (at most 64, starting with a letter or digit)');

const DisplayName = z.string().trim().min(1, 'Enter a name').max(120, 'Name is too long');

export const CreateProductInput = z.object({
  name: DisplayName,
  slug: Slug,
  description: z.string().trim().max(1000, 'Description is too long').optional(),
  keyPrefix: KeyPrefix.default('LK'),
});
export type CreateProductInput = z.infer<typeof CreateProductInput>;

/** A quota is only checked for a feature the license is entitled to (PROTOCOL.md section 4, rule 5). */
function quotasOnlyForFeatures(entitlements: { features: string[]; quotas: Record<string, number> }, context: z.RefinementCtx) {
  for (const feature of Object.keys(entitlements.quotas)) {
    if (!entitlements.features.includes(feature)) {
      context.addIssue({ code: 'custom', path: ['quotas', feature], message: `"${feature}" is not one of the features` });
    }
  }
}

const FeatureList = z
  .array(FeatureName)
  .max(64, 'At most 64 features')
  .refine((features) => new Set(features).size === features.length, 'A feature is listed twice');
/** Units per calendar month (UTC) of the feature's usage metric. */
const Quotas = z.record(FeatureName, z.int({ error: 'Enter a whole number' }).min(0, 'A quota cannot be negative').max(Number.MAX_SAFE_INTEGER));
/** Null: unlimited machines. */
const MaxMachines = z.int({ error: 'Enter a whole number' }).min(1, 'At least 1 machine').max(100_000, 'At most 100,000 machines').nullable();

export const CreatePlanInput = z
  .object({
    productId: Id,
    name: DisplayName,
    /** Null: perpetual licenses. */
    durationDays: z.int({ error: 'Enter a whole number' }).min(1, 'At least 1 day').max(36_500, 'At most 100 years').nullable(),
    maxMachines: MaxMachines,
    features: FeatureList,
    quotas: Quotas.default({}),
    autoActivate: z.boolean().default(true),
    blockFlagged: z.boolean().default(true),
    autoSuspendOnAnomaly: z.boolean().default(false),
    priceCents: z.int({ error: 'Enter a price' }).min(0, 'A price cannot be negative').nullable().default(null),
    currency: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z]{3}$/, 'Use a three-letter ISO 4217 code')
      .default('usd'),
  })
  .superRefine(quotasOnlyForFeatures);
export type CreatePlanInput = z.infer<typeof CreatePlanInput>;

export const CreateCustomerInput = z.object({
  name: DisplayName,
  email: Email,
  /** The reseller user that owns the customer, if any. */
  resellerId: Id.nullable().default(null),
});
export type CreateCustomerInput = z.infer<typeof CreateCustomerInput>;

export const IssueLicenseInput = z.object({
  customerId: Id,
  planId: Id,
  /** Overrides the plan's duration; omit it to use the plan's. */
  expiresAt: z
    .date()
    .refine((date) => date.getTime() > Date.now(), 'The expiry must be in the future')
    .optional(),
});
export type IssueLicenseInput = z.infer<typeof IssueLicenseInput>;

// ---------------------------------------------------------------------------
// Lists and the admin's, customer's and reseller's license actions
// ---------------------------------------------------------------------------

const Search = z.string().trim().max(200, 'Search is too long').optional();
const PageSize = z.int().min(1).max(100).default(25);
/** The infinite queries send the first page's cursor as null. */
const Cursor = Id.nullish().transform((cursor) => cursor ?? undefined);

export const ListProductsInput = z.object({ search: Search, cursor: Cursor, limit: PageSize });
export type ListProductsInput = z.input<typeof ListProductsInput>;

export const ListPlansInput = z.object({ productId: Id, includeArchived: z.boolean().default(false) });
export type ListPlansInput = z.input<typeof ListPlansInput>;

/** The plan picker of the issue dialogs: current plans whose name or product matches. */
export const PlanOptionsInput = z.object({ search: Search });
export type PlanOptionsInput = z.infer<typeof PlanOptionsInput>;

export const PlanIdInput = z.object({ planId: Id });
export type PlanIdInput = z.infer<typeof PlanIdInput>;

export const ListCustomersInput = z.object({ search: Search, cursor: Cursor, limit: PageSize });
export type ListCustomersInput = z.input<typeof ListCustomersInput>;

export const CustomerIdInput = z.object({ customerId: Id });
export type CustomerIdInput = z.infer<typeof CustomerIdInput>;

export const LicenseStatusName = z.enum(['ACTIVE', 'SUSPENDED', 'REVOKED', 'EXPIRED', 'OVERDUE']);
export const LicenseSort = z.enum(['created_desc', 'created_asc', 'expires_asc', 'last_validated_desc']);
export type LicenseSort = z.infer<typeof LicenseSort>;

/** Search matches the customer's name or email, a user's email, or the last 4 characters of the key. */
export const ListLicensesInput = z.object({
  search: Search,
  status: LicenseStatusName.optional(),
  flagged: z.boolean().optional(),
  expiringWithinDays: z.int().min(1, 'At least 1 day').max(3650, 'At most 3650 days').optional(),
  customerId: Id.optional(),
  sort: LicenseSort.default('created_desc'),
  cursor: Cursor,
  limit: PageSize,
});
export type ListLicensesInput = z.input<typeof ListLicensesInput>;

export const LicenseIdInput = z.object({ licenseId: Id });
export type LicenseIdInput = z.infer<typeof LicenseIdInput>;

/** Validation rows have sequential ids: the cursor is the last id seen. */
export const LicenseValidationsInput = z.object({
  licenseId: Id,
  cursor: z
    .string()
    .regex(/^\d{1,19}$/, 'Must be a validation id')
    .nullish()
    .transform((cursor) => cursor ?? undefined),
  limit: z.int().min(1).max(100).default(25),
});
export type LicenseValidationsInput = z.input<typeof LicenseValidationsInput>;

const Reason = z.string().trim().min(1, 'Give a reason').max(500, 'Use at most 500 characters');

export const SuspendLicenseInput = z.object({ licenseId: Id, reason: Reason });
export type SuspendLicenseInput = z.infer<typeof SuspendLicenseInput>;

export const RevokeLicenseInput = z.object({ licenseId: Id, reason: Reason });
export type RevokeLicenseInput = z.infer<typeof RevokeLicenseInput>;

/** Null makes the license perpetual. */
export const ExtendLicenseInput = z.object({
  licenseId: Id,
  expiresAt: z
    .date({ error: 'Choose a date' })
    .refine((date) => date.getTime() > Date.now(), 'The new expiry must be in the future')
    .nullable(),
});
export type ExtendLicenseInput = z.infer<typeof ExtendLicenseInput>;

export const UpdateEntitlementsInput = z
  .object({ licenseId: Id, maxMachines: MaxMachines, features: FeatureList, quotas: Quotas })
  .superRefine(quotasOnlyForFeatures);
export type UpdateEntitlementsInput = z.infer<typeof UpdateEntitlementsInput>;

export const DeactivateMachineInput = z.object({ licenseId: Id, machineId: Id });
export type DeactivateMachineInput = z.infer<typeof DeactivateMachineInput>;

export const ClearFlagInput = z.object({ licenseId: Id, note: z.string().trim().min(1, 'Say what the review found').max(500, 'Use at most 500 characters') });
export type ClearFlagInput = z.infer<typeof ClearFlagInput>;

/** A reseller issues on a plan's own duration: no expiry override. */
export const IssueAsResellerInput = z.object({ customerId: Id, planId: Id });
export type IssueAsResellerInput = z.infer<typeof IssueAsResellerInput>;
