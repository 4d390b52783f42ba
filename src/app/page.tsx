import { redirect } from 'next/navigation';
import { isSetupComplete } from '@/server/auth';
import { getDb } from '@/server/db';
import { getCurrentSession } from '@/server/http/current-session';
import { homePathFor } from '@/server/http/page-guards';

export default async function HomePage() {
  const session = await getCurrentSession();
  if (session) redirect(homePathFor(session.user.role));
  redirect((await isSetupComplete(await getDb())) ? '/sign-in' : '/setup');
}
