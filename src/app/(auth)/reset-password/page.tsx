import type { Metadata } from 'next';
import { FormError } from '@/components/form-feedback';
import { INVALID_LINK_MESSAGE, RequestNewLink, SetPasswordForm } from '@/components/set-password-form';
import { ResetPasswordInput } from '@/lib/schemas/users';
import { securityPolicy } from '@/server/security/policy';

export const metadata: Metadata = { title: 'Choose a new password' };

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  const wellFormed = ResetPasswordInput.shape.token.safeParse(token);
  return (
    <>
      <h1 className="text-xl font-semibold text-slate-900">Choose a new password</h1>
      <p className="mt-1 text-sm text-slate-600">Setting it signs you out on every device.</p>
      {wellFormed.success ? (
        <SetPasswordForm
          token={wellFormed.data}
          submitLabel="Set new password"
          successMessage="Your password is changed. Sign in with the new one."
          requireCharacterClasses={securityPolicy().password.requireCharacterClasses}
        />
      ) : (
        <div className="mt-6 space-y-4">
          <FormError message={INVALID_LINK_MESSAGE} />
          <RequestNewLink />
        </div>
      )}
    </>
  );
}
