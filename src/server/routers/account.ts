import { z } from 'zod';
import { listLiveSessions, revokeOtherSessions, revokeOwnSession } from '../auth/sessions';
import { changePassword, RESET_REQUESTED_MESSAGE, requestPasswordReset, resetPasswordWithToken } from '../auth/password-reset';
import { updateProfile } from '../auth/user-admin';
import { authedProcedure, createTRPCRouter, publicProcedure } from '../trpc/init';
import { ChangePasswordInput, RequestPasswordResetInput, ResetPasswordInput, UpdateProfileInput } from '@/lib/schemas/users';

const actorOf = (user: { id: string; email: string }) => ({ type: 'user' as const, id: user.id, label: user.email });

/** The signed-in user's own account, and the signed-out password reset. */
export const accountRouter = createTRPCRouter({
  updateProfile: authedProcedure
    .input(UpdateProfileInput)
    .mutation(({ ctx, input }) => updateProfile(ctx.db, { userId: ctx.user.id, name: input.name }, actorOf(ctx.user), ctx.meta)),
  changePassword: authedProcedure.input(ChangePasswordInput).mutation(async ({ ctx, input }) => {
    await changePassword(
      ctx.db,
      { session: ctx.session, userId: ctx.user.id, currentPassword: input.currentPassword, newPassword: input.newPassword },
      actorOf(ctx.user),
      ctx.meta,
    );
    return { changed: true };
  }),
  sessions: authedProcedure.query(async ({ ctx }) => {
    const sessions = await listLiveSessions(ctx.db, ctx.user.id);
    return sessions.map((session) => ({ ...session, current: session.id === ctx.session.id }));
  }),
  revokeSession: authedProcedure
    .input(z.object({ sessionId: z.string().min(1).max(64) }))
    .mutation(({ ctx, input }) => revokeOwnSession(ctx.db, { userId: ctx.user.id, sessionId: input.sessionId }, { actor: actorOf(ctx.user), meta: ctx.meta })),
  revokeOtherSessions: authedProcedure.mutation(({ ctx }) =>
    revokeOtherSessions(ctx.db, { userId: ctx.user.id, keepSessionId: ctx.session.id }, { actor: actorOf(ctx.user), meta: ctx.meta }),
  ),
  requestPasswordReset: publicProcedure.input(RequestPasswordResetInput).mutation(async ({ ctx, input }) => {
    await requestPasswordReset(ctx.db, input.email, ctx.meta);
    return { message: RESET_REQUESTED_MESSAGE };
  }),
  resetPassword: publicProcedure
    .input(ResetPasswordInput)
    .mutation(({ ctx, input }) => resetPasswordWithToken(ctx.db, { token: input.token, password: input.password }, ctx.meta)),
});
