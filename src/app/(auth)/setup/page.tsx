import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { isSetupComplete } from '@/server/auth';
import { getDb } from '@/server/db';
import { securityPolicy } from '@/server/security/policy';
import { SetupForm } from './setup-form';

export const metadata: Metadata = { title: 'First-run setup' };

/** Exists only until the first admin exists. */
export default async function SetupPage() {
  if (await isSetupComplete(await getDb())) notFound();
  return (
    <>
      <h1 className="text-xl font-semibold text-slate-900">Set up Licensor</h1>
      <p className="mt-1 text-sm text-slate-600">Create the first administrator account. This page disappears once it exists.</p>
      <SetupForm requireCharacterClasses={securityPolicy().password.requireCharacterClasses} />
    </>
  );
}
