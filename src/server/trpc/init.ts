import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError, z } from 'zod';
import type { ApiKeyScope } from '@/lib/schemas/apikeys';
import type { AuditActor } from '../audit';
import { APP_ERROR_CODES, isAppError } from '../errors';
import type { TRPCContext } from './context';

/** A procedure that scripts may call with an API key names the scope the key needs. */
export type ProcedureMeta = { apiKeyScope?: ApiKeyScope };

const t = initTRPC.context<TRPCContext>().meta<ProcedureMeta>().create({
  transformer: superjson,
  // Never ship stack traces, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
    // A domain refusal about one field (a password the policy refuses) shows under that field too.
    const appField = isAppError(error.cause) && error.cause.details?.field ? { [error.cause.details.field]: [error.cause.message] } : null;
    // Unexpected errors (database, bugs) keep their detail in the server log only.
    const message = error.code === 'INTERNAL_SERVER_ERROR' ? 'Something went wrong. Please try again.' : shape.message;
    return {
      ...shape,
      message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        appCode: isAppError(error.cause) ? error.cause.code : null,
        fieldErrors: zodError?.fieldErrors ?? appField,
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Turns domain errors into tRPC errors with the same safe message, and logs the unexpected. */
const translateErrors = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (isAppError(cause)) {
      throw new TRPCError({ code: APP_ERROR_CODES[cause.code].trpc, message: cause.message, cause });
    }
    if (result.error.code === 'INTERNAL_SERVER_ERROR') {
      console.error(`tRPC ${path} failed:`, result.error.cause ?? result.error);
    }
  }
  return result;
});

/** Anyone, signed in or not. */
export const publicProcedure = t.procedure.use(translateErrors);

const KEYS_NOT_ACCEPTED = 'API keys cannot call this procedure; sign in instead.';

/** Any signed-in user with a live session (API keys are refused). */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.apiKey) throw new TRPCError({ code: 'FORBIDDEN', message: KEYS_NOT_ACCEPTED });
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue.' });
  const actor: AuditActor = { type: 'user', id: ctx.session.user.id, label: ctx.session.user.email };
  return next({ ctx: { ...ctx, session: ctx.session, user: ctx.session.user, actor } });
});

/** The key of a key-authenticated call that may reach this procedure, or a refusal. */
function keyAllowedHere(ctx: TRPCContext, meta: ProcedureMeta | undefined, kind: 'customer' | 'admin') {
  const auth = ctx.apiKey!;
  if (!auth.ok) {
    throw new TRPCError({ code: auth.status === 429 ? 'TOO_MANY_REQUESTS' : auth.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', message: auth.message });
  }
  const scope = kind === 'admin' ? 'admin' : meta?.apiKeyScope;
  if (!scope || !meta?.apiKeyScope) throw new TRPCError({ code: 'FORBIDDEN', message: KEYS_NOT_ACCEPTED });
  const ownerMatches = kind === 'admin' ? auth.key.customerId === null : auth.key.customerId !== null;
  if (!ownerMatches || !auth.key.scopes.includes(scope)) throw new TRPCError({ code: 'FORBIDDEN', message: `This key lacks the ${scope} scope.` });
  return auth.key;
}

/**
 * Read access to one customer organisation's own rows: a customer user's session, or a
 * customer key with the procedure's scope. ctx.customerId scopes every query.
 */
export const customerApiProcedure = publicProcedure.use(({ ctx, meta, next }) => {
  if (ctx.apiKey) {
    const key = keyAllowedHere(ctx, meta, 'customer');
    const actor: AuditActor = { type: 'api_key', id: key.id, label: `lk_${key.publicId}` };
    return next({ ctx: { ...ctx, customerId: key.customerId!, actor } });
  }
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue.' });
  const { role, customerId, id, email } = ctx.session.user;
  if (role !== 'CUSTOMER' || !customerId) throw new TRPCError({ code: 'FORBIDDEN', message: 'This is for customer accounts.' });
  return next({ ctx: { ...ctx, customerId, actor: { type: 'user', id, label: email } as AuditActor } });
});

/** Admin procedures that management scripts may call with an admin key (scope admin). */
export const adminApiProcedure = publicProcedure.use(({ ctx, meta, next }) => {
  if (ctx.apiKey) {
    const key = keyAllowedHere(ctx, meta, 'admin');
    return next({ ctx: { ...ctx, actor: { type: 'api_key', id: key.id, label: `lk_${key.publicId}` } as AuditActor } });
  }
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue.' });
  if (ctx.session.user.role !== 'ADMIN') throw new TRPCError({ code: 'FORBIDDEN', message: 'This needs an admin account.' });
  if (!ctx.session.user.mfaEnabled) throw new TRPCError({ code: 'FORBIDDEN', message: 'Turn on two-factor authentication to continue.' });
  return next({ ctx: { ...ctx, actor: { type: 'user', id: ctx.session.user.id, label: ctx.session.user.email } as AuditActor } });
});

/** Users of a customer organisation; ctx.customerId scopes every query to their own rows. */
export const customerProcedure = authedProcedure.use(({ ctx, next }) => {
  const { role, customerId } = ctx.user;
  if (role !== 'CUSTOMER' || !customerId) throw new TRPCError({ code: 'FORBIDDEN', message: 'This is for customer accounts.' });
  return next({ ctx: { ...ctx, customerId } });
});

const MFA_REQUIRED = 'Turn on two-factor authentication to continue.';

/** Resellers (and admins, who may do anything a reseller may), with MFA on as policy requires. */
export const resellerProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'RESELLER' && ctx.user.role !== 'ADMIN') {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'This needs a reseller or admin account.' });
  }
  if (!ctx.user.mfaEnabled) throw new TRPCError({ code: 'FORBIDDEN', message: MFA_REQUIRED });
  return next();
});

/** Admins only, with MFA on. */
export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'ADMIN') throw new TRPCError({ code: 'FORBIDDEN', message: 'This needs an admin account.' });
  if (!ctx.user.mfaEnabled) throw new TRPCError({ code: 'FORBIDDEN', message: MFA_REQUIRED });
  return next();
});
