import type { AuditActor } from '../audit';
import {
  adminResetMfa,
  beginTotpEnrolment,
  confirmTotpEnrolment,
  disableMfa,
  markSessionMfaVerified,
  mfaStatus,
  regenerateBackupCodes,
  requireTotpCode,
  stepUpSession,
} from '../auth/mfa';
import { AppError } from '../errors';
import { consumeRateLimit } from '../security/rate-limit';
import { adminProcedure, authedProcedure, createTRPCRouter } from '../trpc/init';
import {
  BackupCodes,
  ConfirmEnrolmentInput,
  DisableMfaInput,
  MfaStatus,
  RegenerateBackupCodesInput,
  ResetMfaForUserInput,
  StepUpInput,
  StepUpResult,
  TotpEnrolment,
} from '@/lib/schemas/mfa';

const userActor = (user: { id: string; email: string }): AuditActor => ({ type: 'user', id: user.id, label: user.email });

/** Issue 4: at most 5 code verifications per minute per user, whatever the procedure. */
async function limitCodeVerification(userId: string): Promise<void> {
  const result = await consumeRateLimit('mfaVerifyPerUser', userId);
  if (!result.allowed) {
    throw new AppError('RATE_LIMITED', `Too many codes tried. Try again in ${result.retryAfterSeconds} seconds.`, {
      retryAfterSeconds: result.retryAfterSeconds,
    });
  }
}

export const mfaRouter = createTRPCRouter({
  status: authedProcedure.output(MfaStatus).query(({ ctx }) => mfaStatus(ctx.db, ctx.user.id)),

  beginEnrolment: authedProcedure.output(TotpEnrolment).mutation(({ ctx }) => beginTotpEnrolment(ctx.db, ctx.user)),

  confirmEnrolment: authedProcedure
    .input(ConfirmEnrolmentInput)
    .output(BackupCodes)
    .mutation(async ({ ctx, input }) => {
      await limitCodeVerification(ctx.user.id);
      const result = await confirmTotpEnrolment(ctx.db, ctx.user.id, input.code, userActor(ctx.user), ctx.meta);
      // The code just proved the factor, so this sign-in counts as stepped up.
      await markSessionMfaVerified(ctx.db, ctx.session.id);
      return result;
    }),

  regenerateBackupCodes: authedProcedure
    .input(RegenerateBackupCodesInput)
    .output(BackupCodes)
    .mutation(async ({ ctx, input }) => {
      await limitCodeVerification(ctx.user.id);
      await requireTotpCode(ctx.db, ctx.user.id, input.code);
      return { backupCodes: await regenerateBackupCodes(ctx.db, ctx.user.id, userActor(ctx.user), ctx.meta) };
    }),

  disable: authedProcedure.input(DisableMfaInput).mutation(async ({ ctx, input }) => {
    await limitCodeVerification(ctx.user.id);
    await disableMfa(ctx.db, { userId: ctx.user.id, ...input }, userActor(ctx.user), ctx.meta);
  }),

  stepUp: authedProcedure
    .input(StepUpInput)
    .output(StepUpResult)
    .mutation(async ({ ctx, input }) => {
      await limitCodeVerification(ctx.user.id);
      const method = await stepUpSession(ctx.db, { sessionId: ctx.session.id, userId: ctx.user.id, code: input.code }, userActor(ctx.user), ctx.meta);
      return { method };
    }),

  resetForUser: adminProcedure.input(ResetMfaForUserInput).mutation(async ({ ctx, input }) => {
    await adminResetMfa(
      ctx.db,
      { adminSession: { userId: ctx.user.id, mfaVerifiedAt: ctx.session.mfaVerifiedAt }, targetUserId: input.userId },
      userActor(ctx.user),
      ctx.meta,
    );
  }),
});
