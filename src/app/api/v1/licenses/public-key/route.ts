import { methodNotAllowed } from '@/server/http/license-api-route';
import { publicKeyDocument } from '@/server/licensing/signing';

/** The Ed25519 key that signs responses and offline tokens (PROTOCOL.md section 3): unsigned, cacheable. */
export function GET() {
  return Response.json(publicKeyDocument(), { headers: { 'Cache-Control': 'public, max-age=3600' } });
}

export const POST = methodNotAllowed('GET');
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
export const OPTIONS = POST;
