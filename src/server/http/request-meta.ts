import { isIP } from 'node:net';
import { randomUUID } from 'node:crypto';

/**
 * The header the Licensor server (server.mjs) sets from the TCP peer address on every request,
 * after discarding any value a client sent. Route handlers cannot see the socket otherwise.
 */
export const PEER_ADDRESS_HEADER = 'x-licensor-peer-address';

export type RequestMeta = { ip: string; userAgent: string | null; requestId: string };

function normaliseAddress(value: string | undefined | null): string | null {
  if (!value) return null;
  let address = value.trim();
  if (address.startsWith('[') && address.includes(']')) address = address.slice(1, address.indexOf(']'));
  if (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4) address = address.slice(7);
  return isIP(address) ? address : null;
}

/**
 * The client's IP. With no trusted proxies it is the TCP peer; with N trusted proxy hops it is
 * the N-th address from the right of X-Forwarded-For (the entry the outermost trusted proxy
 * appended), so a client cannot choose its own IP by sending the header itself.
 */
export function clientIp(headers: Headers, trustedProxyHops: number): string {
  const forwarded = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const peer = normaliseAddress(headers.get(PEER_ADDRESS_HEADER)) ?? normaliseAddress(forwarded.at(-1));
  if (trustedProxyHops > 0 && forwarded.length > 0) {
    // X-Forwarded-For as seen by the app excludes the peer (the last proxy), so hop N is index length - N.
    const candidate = normaliseAddress(forwarded[Math.max(0, forwarded.length - trustedProxyHops)]);
    if (candidate) return candidate;
  }
  return peer ?? '0.0.0.0';
}

export function requestMeta(headers: Headers, trustedProxyHops: number): RequestMeta {
  return {
    ip: clientIp(headers, trustedProxyHops),
    userAgent: headers.get('user-agent')?.slice(0, 512) ?? null,
    requestId: headers.get('x-request-id')?.slice(0, 64) ?? randomUUID(),
  };
}
