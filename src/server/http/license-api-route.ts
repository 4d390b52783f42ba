import { getDb } from '../db';
import { getEnv } from '../env';
import { handleLicenseApiRequest, type LicenseOperation } from '../licensing/api';
import { securityPolicy } from '../security/policy';
import { requestMeta } from './request-meta';

/** The JSON error of PROTOCOL.md section 6, for answers that need no response signature. */
export function protocolError(status: number, error: string, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error, message }, { status, headers: { 'Cache-Control': 'no-store', ...headers } });
}

/** 405 with Allow, for every method an endpoint does not serve. */
export function methodNotAllowed(allow: string) {
  return () => protocolError(405, 'METHOD_NOT_ALLOWED', `This endpoint answers ${allow} only.`, { Allow: allow });
}

/** Reads at most `limit` bytes of the body; null when it is larger (refused before parsing). */
export async function readBodyWithin(request: Request, limit: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (Number.isFinite(declared) && declared > limit) return null;
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

const JSON_CONTENT_TYPE = /^application\/json\s*(;.*)?$/i;

/**
 * The JSON body of a request with a JSON content type and at most 16 KiB (refused before
 * parsing when larger); undefined when any of that fails.
 */
export async function readJsonBody(request: Request): Promise<unknown> {
  if (!JSON_CONTENT_TYPE.test(request.headers.get('content-type') ?? '')) return undefined;
  const body = await readBodyWithin(request, securityPolicy().licenseApi.maxBodyBytes);
  if (!body) return undefined;
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body)) as unknown;
  } catch {
    return undefined;
  }
}

/** The POST handler of a signed license endpoint: a thin adapter around handleLicenseApiRequest. */
export function licenseApiRoute(operation: LicenseOperation) {
  return async function POST(request: Request): Promise<Response> {
    const limit = securityPolicy().licenseApi.maxBodyBytes;
    const body = (await readBodyWithin(request, limit)) ?? new Uint8Array(limit + 1);
    const meta = requestMeta(request.headers, getEnv().TRUST_PROXY);
    const result = await handleLicenseApiRequest(await getDb(), operation, {
      method: request.method,
      path: new URL(request.url).pathname,
      header: (name) => request.headers.get(name),
      body,
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
    return new Response(result.body, { status: result.status, headers: result.headers });
  };
}
