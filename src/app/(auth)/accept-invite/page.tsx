import type { Metadata } from 'next';
import { FormError } from '@/components/form-feedback';
import { INVALID_LINK_MESSAGE, RequestNewLink, SetPasswordForm } from '@/components/set-password-form';
import { ResetPasswordInput } from '@/lib/schemas/users';
import { securityPolicy } from '@/server/security/policy';

export const metadata: Metadata = { title: 'Accept your invitation' };

export default async function AcceptInvitePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  const wellFormed = ResetPasswordInput.shape.token.safeParse(token);
  return (
    <>
      <h1 className="text-xl font-semibold text-slate-900">Accept your invitation</h1>
      <p className="mt-1 text-sm text-slate-600">Choose the password for your new Licensor account.</p>
      {wellFormed.success ? (
        <SetPasswordForm
          token={wellFormed.data}
          submitLabel="Set password"
          successMessage="Your account is ready. Sign in with your email and the password you just chose."
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
