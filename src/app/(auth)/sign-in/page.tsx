import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getCurrentSession } from '@/server/http/current-session';
import { homePathFor } from '@/server/http/page-guards';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

/** Only same-site paths are followed after sign-in, never another origin. */
function safeReturnPath(value: string | string[] | undefined): string | null {
  const path = Array.isArray(value) ? value[0] : value;
  return path && path.startsWith('/') && !path.startsWith('//') ? path : null;
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await getCurrentSession();
  if (session) redirect(homePathFor(session.user.role));
  const params = await searchParams;
  return (
    <>
      <h1 className="text-xl font-semibold text-slate-900">Sign in</h1>
      <SignInForm returnTo={safeReturnPath(params.callbackUrl)} />
    </>
  );
}
