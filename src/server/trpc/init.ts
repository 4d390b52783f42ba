import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError, z } from 'zod';
import { APP_ERROR_CODES, isAppError } from '../errors';
import type { TRPCContext } from './context';

const t = initTRPC.context<TRPCContext>().create({
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

/** Any signed-in user with a live session. */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue.' });
  return next({ ctx: { ...ctx, session: ctx.session, user: ctx.session.user } });
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
