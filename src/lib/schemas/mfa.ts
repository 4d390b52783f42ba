import { z } from 'zod';
import { PASSWORD_MAX_LENGTH } from './auth';

/** Digits of a TOTP code: securityPolicy().mfa.digits on the server (RFC 6238 default). */
export const TOTP_DIGITS = 6;

/** A current code from the authenticator app; spaces (as apps display them) are ignored. */
export const TotpCode = z
  .string()
  .transform((value) => value.replace(/\s+/g, ''))
  .pipe(z.string().regex(new RegExp(`^\\d{${TOTP_DIGITS}}$`), `Enter the ${TOTP_DIGITS}-digit code from your authenticator app`));

/** A TOTP code or a backup code (`ABCD-EFGH`); the server tells them apart. */
export const SecondFactorCode = z
  .string()
  .trim()
  .min(1, 'Enter a code from your authenticator app or a backup code')
  .max(32, 'That code is too long');

export const ConfirmEnrolmentInput = z.object({ code: TotpCode });
export type ConfirmEnrolmentInput = z.infer<typeof ConfirmEnrolmentInput>;

export const RegenerateBackupCodesInput = z.object({ code: TotpCode });
export type RegenerateBackupCodesInput = z.infer<typeof RegenerateBackupCodesInput>;

export const DisableMfaInput = z.object({
  password: z.string().min(1, 'Enter your password').max(PASSWORD_MAX_LENGTH),
  code: TotpCode,
});
export type DisableMfaInput = z.infer<typeof DisableMfaInput>;

export const StepUpInput = z.object({ code: SecondFactorCode });
export type StepUpInput = z.infer<typeof StepUpInput>;

export const ResetMfaForUserInput = z.object({ userId: z.string().trim().min(1).max(64) });
export type ResetMfaForUserInput = z.infer<typeof ResetMfaForUserInput>;

export const MfaStatus = z.object({
  enabled: z.boolean(),
  /** An enrolment was started but not confirmed with a code. */
  pending: z.boolean(),
  enabledAt: z.date().nullable(),
  backupCodesRemaining: z.number().int().nonnegative(),
});
export type MfaStatus = z.infer<typeof MfaStatus>;

export const TotpEnrolment = z.object({ secret: z.string(), otpauthUri: z.string(), qrSvg: z.string() });
export type TotpEnrolment = z.infer<typeof TotpEnrolment>;

/** Backup codes in display form, shown once. */
export const BackupCodes = z.object({ backupCodes: z.array(z.string()) });
export type BackupCodes = z.infer<typeof BackupCodes>;

export const StepUpResult = z.object({ method: z.enum(['totp', 'backup_code']) });
export type StepUpResult = z.infer<typeof StepUpResult>;
