import { TRPCClientError } from '@trpc/client';

/**
 * The server's answer when a change needs a fresh second factor (STEP_UP_REQUIRED in
 * src/server/auth/password-reset.ts; step-up.test.ts keeps the two equal). Other
 * PRECONDITION_FAILED answers exist, so the message tells this one apart.
 */
export const STEP_UP_REQUIRED_MESSAGE = 'Confirm with your authenticator code first.';

export function isStepUpRequired(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return false;
  const data = error.data as { code?: string } | undefined;
  return data?.code === 'PRECONDITION_FAILED' && error.message === STEP_UP_REQUIRED_MESSAGE;
}
