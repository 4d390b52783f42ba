import { z } from 'zod';

/** NIST SP 800-63B lengths (seed 002); the full policy is enforced on the server. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'Email is too long')
  .pipe(z.email({ message: 'Enter a valid email address' }));

export const NewPassword = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters`);

export const PersonName = z.string().trim().min(1, 'Enter a name').max(120, 'Name is too long');

export const SetupInput = z.object({
  name: PersonName,
  email: Email,
  password: NewPassword,
});
export type SetupInput = z.infer<typeof SetupInput>;

export const SignInInput = z.object({
  email: Email,
  password: z.string().min(1, 'Enter your password').max(PASSWORD_MAX_LENGTH),
});
export type SignInInput = z.infer<typeof SignInInput>;

/** A TOTP code (6 digits) or a backup code (8 characters, dashes and spaces ignored). */
export const SecondFactorCode = z
  .string()
  .trim()
  .min(6, 'Enter the 6-digit code or a backup code')
  .max(20, 'That code is too long');

export const MfaSignInInput = z.object({
  challenge: z.string().min(20).max(100),
  code: SecondFactorCode,
});
export type MfaSignInInput = z.infer<typeof MfaSignInInput>;
