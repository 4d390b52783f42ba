import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { isAppError } from '@/server/errors';
import { appRouter } from '@/server/routers/root';
import { createTRPCContext } from '@/server/trpc/context';

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: () => createTRPCContext({ headers: req.headers }),
    // A refusal that says how long to wait (rate limit, IP block) carries Retry-After too.
    responseMeta({ errors }) {
      const retryAfter = errors.map((error) => (isAppError(error.cause) ? error.cause.details?.retryAfterSeconds : undefined)).find((value) => value !== undefined);
      return retryAfter === undefined ? {} : { headers: new Headers({ 'Retry-After': String(retryAfter) }) };
    },
  });
}

export { handler as GET, handler as POST };
