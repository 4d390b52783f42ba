import { z } from 'zod';
import { beginPasswordSignIn, completeMfaSignIn } from '../auth';
import { createTRPCRouter, publicProcedure } from '../trpc/init';
import { MfaSignInInput, SignInInput } from '@/lib/schemas/auth';

const PasswordStepOutput = z.discriminatedUnion('next', [
  z.object({ next: z.literal('mfa'), challenge: z.string() }),
  z.object({ next: z.literal('session'), ticket: z.string() }),
]);

export const authRouter = createTRPCRouter({
  /** Step one: email and password. 403 from a blocked network, 429 when rate limited, 401 when wrong. */
  beginSignIn: publicProcedure
    .input(SignInInput)
    .output(PasswordStepOutput)
    .mutation(({ ctx, input }) => beginPasswordSignIn(ctx.db, input, ctx.meta)),
  /** Step two, when MFA is on: a TOTP code or a backup code. */
  completeMfa: publicProcedure
    .input(MfaSignInInput)
    .output(z.object({ ticket: z.string() }))
    .mutation(({ ctx, input }) => completeMfaSignIn(ctx.db, input, ctx.meta)),
});
