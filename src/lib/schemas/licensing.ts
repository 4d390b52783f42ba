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

export const CreatePlanInput = z
  .object({
    productId: Id,
    name: DisplayName,
    /** Null: perpetual licenses. */
    durationDays: z.int().min(1, 'At least 1 day').max(36_500, 'At most 100 years').nullable(),
    /** Null: unlimited machines. */
    maxMachines: z.int().min(1, 'At least 1 machine').max(100_000, 'At most 100,000 machines').nullable(),
    features: z
      .array(FeatureName)
      .max(64, 'At most 64 features')
      .refine((features) => new Set(features).size === features.length, 'A feature is listed twice'),
    /** Units per calendar month (UTC) of the feature's usage metric. */
    quotas: z.record(FeatureName, z.int().min(0, 'A quota cannot be negative').max(Number.MAX_SAFE_INTEGER)).default({}),
    autoActivate: z.boolean().default(true),
    blockFlagged: z.boolean().default(true),
    autoSuspendOnAnomaly: z.boolean().default(false),
    priceCents: z.int().min(0, 'A price cannot be negative').nullable().default(null),
    currency: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z]{3}$/, 'Use a three-letter ISO 4217 code')
      .default('usd'),
  })
  .superRefine((plan, context) => {
    // A quota is only checked for a feature the license is entitled to (PROTOCOL.md section 4, rule 5).
    for (const feature of Object.keys(plan.quotas)) {
      if (!plan.features.includes(feature)) {
        context.addIssue({ code: 'custom', path: ['quotas', feature], message: `"${feature}" is not one of the plan's features` });
      }
    }
  });
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
