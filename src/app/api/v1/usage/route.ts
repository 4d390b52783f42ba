import { apiKeyFromHeaders, authenticateApiKey } from '@/server/apikeys';
import { getDb } from '@/server/db';
import { getEnv } from '@/server/env';
import { methodNotAllowed, protocolError, readJsonBody } from '@/server/http/license-api-route';
import { requestMeta } from '@/server/http/request-meta';
import { rateLimitHeaders } from '@/server/security/rate-limit';
import { reportUsage } from '@/server/usage';

/** POST /api/v1/usage: authenticated by a customer API key with the usage:write scope. */
export async function POST(request: Request): Promise<Response> {
  const db = await getDb();
  const meta = requestMeta(request.headers, getEnv().TRUST_PROXY);
  const rawKey = apiKeyFromHeaders((name) => request.headers.get(name));
  if (!rawKey) return protocolError(401, 'UNAUTHORIZED', 'The API key is missing, invalid, expired or revoked.');
  const auth = await authenticateApiKey(db, { rawKey, ip: meta.ip, origin: request.headers.get('origin'), requiredScope: 'usage:write' });
  if (!auth.ok) return protocolError(auth.status, auth.error, auth.message, auth.rateLimit ? rateLimitHeaders(auth.rateLimit) : {});
  const json = await readJsonBody(request);
  if (json === undefined) return protocolError(400, 'BAD_REQUEST', 'The request is malformed.');
  const outcome = await reportUsage(db, { apiKey: auth.key, json });
  if (outcome.status === 202) return Response.json(outcome.body, { status: 202, headers: { 'Cache-Control': 'no-store' } });
  return protocolError(outcome.status, outcome.body.error, outcome.body.message, outcome.status === 429 ? rateLimitHeaders(outcome.rateLimit) : {});
}

export const GET = methodNotAllowed('POST');
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
export const OPTIONS = GET;
