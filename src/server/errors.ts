/**
 * The one typed error that domain modules throw. Routers and route handlers translate the code
 * (tRPC code and HTTP status below); the message is safe to show to the caller.
 */
export const APP_ERROR_CODES = {
  BAD_REQUEST: { trpc: 'BAD_REQUEST', http: 400 },
  UNAUTHORIZED: { trpc: 'UNAUTHORIZED', http: 401 },
  FORBIDDEN: { trpc: 'FORBIDDEN', http: 403 },
  NOT_FOUND: { trpc: 'NOT_FOUND', http: 404 },
  CONFLICT: { trpc: 'CONFLICT', http: 409 },
  PRECONDITION_FAILED: { trpc: 'PRECONDITION_FAILED', http: 412 },
  LIMIT_REACHED: { trpc: 'TOO_MANY_REQUESTS', http: 429 },
  RATE_LIMITED: { trpc: 'TOO_MANY_REQUESTS', http: 429 },
} as const;

export type AppErrorCode = keyof typeof APP_ERROR_CODES;

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: { retryAfterSeconds?: number; field?: string },
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;
