import { z } from 'zod';

/** The scopes a key can carry; `admin` is for admin keys only. */
export const CUSTOMER_API_KEY_SCOPES = ['licenses:read', 'usage:write', 'billing:read'] as const;
export const API_KEY_SCOPES = [...CUSTOMER_API_KEY_SCOPES, 'admin'] as const;
export const ApiKeyScope = z.enum(API_KEY_SCOPES);
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

export const API_KEY_EXPIRY_CHOICES = ['30', '90', '365', 'never'] as const;
export const ROTATION_GRACE_CHOICES = { now: 0, '1h': 60 * 60, '24h': 24 * 60 * 60, '7d': 7 * 24 * 60 * 60 } as const;

/** One IPv4 or IPv6 address or CIDR range per entry; validated precisely on the server. */
const CidrEntry = z.string().trim().regex(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, 'Use an IP address or a CIDR range such as 203.0.113.0/24');
const OriginEntry = z
  .string()
  .trim()
  .regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, 'Use an origin such as https://panel.example.com (no path)');

export const CreateApiKeyInput = z.object({
  name: z.string().trim().min(1, 'Name the key').max(80, 'At most 80 characters'),
  scopes: z.array(ApiKeyScope).min(1, 'Choose at least one scope').max(4),
  expiresInDays: z.enum(API_KEY_EXPIRY_CHOICES),
  ipAllowlist: z.array(CidrEntry).max(50, 'At most 50 entries').default([]),
  allowedOrigins: z.array(OriginEntry).max(20, 'At most 20 origins').default([]),
  rateLimitPerHour: z.int().min(1).max(1_000_000).nullable().default(null),
});
export type CreateApiKeyInput = z.input<typeof CreateApiKeyInput>;

export const RotateApiKeyInput = z.object({ apiKeyId: z.string().min(1).max(64), grace: z.enum(['now', '1h', '24h', '7d']) });
export type RotateApiKeyInput = z.infer<typeof RotateApiKeyInput>;

export const ApiKeyIdInput = z.object({ apiKeyId: z.string().min(1).max(64) });

const Cursor = z.uuid({ message: 'Must be an id' });
const PageSize = z.int().min(1).max(100).default(25);

/** Tanstack infinite queries send a null cursor when they refetch the first page. */
export const ListApiKeysInput = z.object({ cursor: Cursor.nullish(), limit: PageSize });
export type ListApiKeysInput = z.input<typeof ListApiKeysInput>;

/** The admin's view of every customer's keys, optionally one customer's. */
export const ListCustomerApiKeysInput = ListApiKeysInput.extend({ customerId: z.uuid({ message: 'Must be an id' }).optional() });
export type ListCustomerApiKeysInput = z.input<typeof ListCustomerApiKeysInput>;

/** Admin keys always carry exactly the admin scope, so the form does not offer scopes. */
export const CreateAdminApiKeyInput = CreateApiKeyInput.omit({ scopes: true });
export type CreateAdminApiKeyInput = z.input<typeof CreateAdminApiKeyInput>;

export const EmergencyRevokeApiKeyInput = ApiKeyIdInput.extend({
  reason: z.string().trim().min(1, 'Give a reason').max(500, 'Use at most 500 characters'),
});
export type EmergencyRevokeApiKeyInput = z.infer<typeof EmergencyRevokeApiKeyInput>;
