'use client';

import { signIn } from 'next-auth/react';
import type { useRouter } from 'next/navigation';

/** Redeems a sign-in ticket for a session cookie, then goes where the user was headed. */
export async function completeSignIn(router: ReturnType<typeof useRouter>, ticket: string, returnTo: string | null): Promise<void> {
  const result = await signIn('credentials', { ticket, redirect: false });
  if (!result || result.error) throw new Error('Your sign-in expired. Please sign in again.');
  router.push(returnTo ?? '/');
  router.refresh();
}
