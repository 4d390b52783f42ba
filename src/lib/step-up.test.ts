import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { STEP_UP_REQUIRED } from '@/server/auth/password-reset';
import { isStepUpRequired, STEP_UP_REQUIRED_MESSAGE } from './step-up';

function clientError(message: string, code: string) {
  return TRPCClientError.from({ error: { message, code: -32012, data: { code } } });
}

describe('isStepUpRequired', () => {
  it('matches the message the server sends', () => {
    expect(STEP_UP_REQUIRED_MESSAGE).toBe(STEP_UP_REQUIRED);
  });

  it('recognises the step-up answer and nothing else', () => {
    expect(isStepUpRequired(clientError(STEP_UP_REQUIRED_MESSAGE, 'PRECONDITION_FAILED'))).toBe(true);
    expect(isStepUpRequired(clientError('Start the set-up first: no authenticator is waiting for confirmation.', 'PRECONDITION_FAILED'))).toBe(false);
    expect(isStepUpRequired(clientError(STEP_UP_REQUIRED_MESSAGE, 'FORBIDDEN'))).toBe(false);
    expect(isStepUpRequired(new Error(STEP_UP_REQUIRED_MESSAGE))).toBe(false);
  });
});
