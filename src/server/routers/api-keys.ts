import {
  ApiKeyIdInput,
  CreateAdminApiKeyInput,
  CreateApiKeyInput,
  EmergencyRevokeApiKeyInput,
  ListApiKeysInput,
  ListCustomerApiKeysInput,
  RotateApiKeyInput,
} from '@/lib/schemas/apikeys';
import { apiKeyPrefix, apiKeyRequestsPerDay, createApiKey, listApiKeys, revokeApiKey, rotateApiKey } from '../apikeys';
import { hasRecentStepUp, STEP_UP_REQUIRED } from '../auth/password-reset';
import { AppError } from '../errors';
import { consumeRateLimit } from '../security/rate-limit';
import { adminApiProcedure, adminProcedure, createTRPCRouter, customerProcedure } from '../trpc/init';
import { actorOf } from './actor';

/** Issue 6: at most 10 keys created per hour by one user, customer or admin. */
async function limitKeyCreation(userId: string): Promise<void> {
  const limit = await consumeRateLimit('apiKeyCreatePerUser', userId);
  if (!limit.allowed) {
    const minutes = Math.ceil(limit.retryAfterSeconds / 60);
    throw new AppError('LIMIT_REACHED', `You have created ${limit.limit} API keys in the last hour. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, {
      retryAfterSeconds: limit.retryAfterSeconds,
    });
  }
}

/** A new admin secret is as sensitive as an admin sign-in: it needs a second factor proved in the last 10 minutes. */
function requireStepUp(session: { mfaVerifiedAt: Date | null }): void {
  if (!hasRecentStepUp(session)) throw new AppError('PRECONDITION_FAILED', STEP_UP_REQUIRED);
}

/** What the creator sees once: the key itself, which cannot be read back later. */
const shownOnce = ({ apiKey, key }: { apiKey: { id: string; publicId: string; name: string }; key: string }) => ({
  apiKeyId: apiKey.id,
  prefix: apiKeyPrefix(apiKey.publicId),
  name: apiKey.name,
  key,
});

/**
 * API keys: a customer's own (every call scoped to ctx.customerId, so another organisation's key
 * is NOT_FOUND), the admin keys, and the admin's view of every customer's key (metadata only).
 * Keys are managed from a signed-in session only: a key cannot mint or revoke keys.
 */
export const apiKeysRouter = createTRPCRouter({
  list: customerProcedure.input(ListApiKeysInput).query(({ ctx, input }) => listApiKeys(ctx.db, { customerId: ctx.customerId }, { cursor: input.cursor ?? undefined, limit: input.limit })),
  create: customerProcedure.input(CreateApiKeyInput).mutation(async ({ ctx, input }) => {
    await limitKeyCreation(ctx.user.id);
    return shownOnce(await createApiKey(ctx.db, { ...input, owner: { customerId: ctx.customerId }, createdById: ctx.user.id }, actorOf(ctx.user), ctx.meta));
  }),
  rotate: customerProcedure.input(RotateApiKeyInput).mutation(async ({ ctx, input }) => {
    const rotated = await rotateApiKey(ctx.db, { ...input, scope: { customerId: ctx.customerId }, createdById: ctx.user.id }, actorOf(ctx.user), ctx.meta);
    return { ...shownOnce(rotated), oldKeyWorksUntil: rotated.oldKeyWorksUntil };
  }),
  revoke: customerProcedure
    .input(ApiKeyIdInput)
    .mutation(({ ctx, input }) => revokeApiKey(ctx.db, { apiKeyId: input.apiKeyId, scope: { customerId: ctx.customerId } }, actorOf(ctx.user), ctx.meta)),
  requestsPerDay: customerProcedure
    .input(ApiKeyIdInput)
    .query(({ ctx, input }) => apiKeyRequestsPerDay(ctx.db, { apiKeyId: input.apiKeyId, scope: { customerId: ctx.customerId } })),

  listAdminKeys: adminProcedure.input(ListApiKeysInput).query(({ ctx, input }) => listApiKeys(ctx.db, { admin: true }, { cursor: input.cursor ?? undefined, limit: input.limit })),
  createAdminKey: adminProcedure.input(CreateAdminApiKeyInput).mutation(async ({ ctx, input }) => {
    requireStepUp(ctx.session);
    await limitKeyCreation(ctx.user.id);
    return shownOnce(await createApiKey(ctx.db, { ...input, scopes: ['admin'], owner: { admin: true }, createdById: ctx.user.id }, actorOf(ctx.user), ctx.meta));
  }),
  /** Rotation mints a new admin secret, so it needs the same step-up as creation. */
  rotateAdminKey: adminProcedure.input(RotateApiKeyInput).mutation(async ({ ctx, input }) => {
    requireStepUp(ctx.session);
    const rotated = await rotateApiKey(ctx.db, { ...input, scope: { admin: true }, createdById: ctx.user.id }, actorOf(ctx.user), ctx.meta);
    return { ...shownOnce(rotated), oldKeyWorksUntil: rotated.oldKeyWorksUntil };
  }),
  revokeAdminKey: adminProcedure
    .input(ApiKeyIdInput)
    .mutation(({ ctx, input }) => revokeApiKey(ctx.db, { apiKeyId: input.apiKeyId, scope: { admin: true } }, actorOf(ctx.user), ctx.meta)),

  /** Every customer's keys (or one customer's), newest first; management scripts may list them with an admin key. */
  listAllKeys: adminApiProcedure
    .meta({ apiKeyScope: 'admin' })
    .input(ListCustomerApiKeysInput)
    .query(({ ctx, input }) =>
      listApiKeys(ctx.db, input.customerId ? { customerId: input.customerId } : { customers: true }, { cursor: input.cursor ?? undefined, limit: input.limit }),
    ),
  /** An admin stops a customer's key at once (a leaked key, abuse); the reason goes to the audit log. */
  emergencyRevoke: adminProcedure
    .input(EmergencyRevokeApiKeyInput)
    .mutation(({ ctx, input }) => revokeApiKey(ctx.db, { apiKeyId: input.apiKeyId, scope: { customers: true }, reason: input.reason }, actorOf(ctx.user), ctx.meta)),
});
