import type { Metadata } from 'next';
import { listApiKeys } from '@/server/apikeys';
import { getDb } from '@/server/db';
import { getEnv } from '@/server/env';
import { requirePageSession } from '@/server/http/page-guards';
import { PortalApiKeys } from './portal-api-keys';

export const metadata: Metadata = { title: 'API keys' };

const PAGE_SIZE = 25;

export default async function PortalApiKeysPage() {
  const session = await requirePageSession(['CUSTOMER'], '/portal/api-keys');
  // The portal layout admits customer users, who always belong to an organisation.
  const firstPage = await listApiKeys(await getDb(), { customerId: session.user.customerId as string }, { limit: PAGE_SIZE });
  return <PortalApiKeys pageSize={PAGE_SIZE} firstPage={firstPage} usageUrl={`${getEnv().APP_URL}/api/v1/usage`} />;
}
