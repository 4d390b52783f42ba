import { describe, expect, it } from 'vitest';
import { clientIp, PEER_ADDRESS_HEADER, requestMeta } from './request-meta';

const headers = (values: Record<string, string>) => new Headers(values);

describe('clientIp', () => {
  it('uses the TCP peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    const forged = headers({ [PEER_ADDRESS_HEADER]: '203.0.113.7', 'x-forwarded-for': '1.2.3.4' });
    expect(clientIp(forged, 0)).toBe('203.0.113.7');
  });

  it('takes the entry the trusted proxy appended, not one the client wrote', () => {
    // client sent "1.2.3.4"; the proxy appended the real client 198.51.100.9; the peer is the proxy
    const viaProxy = headers({ [PEER_ADDRESS_HEADER]: '10.0.0.2', 'x-forwarded-for': '1.2.3.4, 198.51.100.9' });
    expect(clientIp(viaProxy, 1)).toBe('198.51.100.9');
    const viaTwoProxies = headers({ [PEER_ADDRESS_HEADER]: '10.0.0.3', 'x-forwarded-for': '1.2.3.4, 198.51.100.9, 10.0.0.2' });
    expect(clientIp(viaTwoProxies, 2)).toBe('198.51.100.9');
  });

  it('normalises IPv4-mapped IPv6 and bracketed addresses', () => {
    expect(clientIp(headers({ [PEER_ADDRESS_HEADER]: '::ffff:192.0.2.1' }), 0)).toBe('192.0.2.1');
    expect(clientIp(headers({ [PEER_ADDRESS_HEADER]: '[2001:db8::1]' }), 0)).toBe('2001:db8::1');
  });

  it('ignores garbage and falls back to a placeholder rather than trusting it', () => {
    expect(clientIp(headers({ [PEER_ADDRESS_HEADER]: 'not-an-ip', 'x-forwarded-for': '<script>' }), 0)).toBe('0.0.0.0');
    expect(clientIp(headers({ [PEER_ADDRESS_HEADER]: '192.0.2.5', 'x-forwarded-for': 'garbage' }), 1)).toBe('192.0.2.5');
  });

  it('falls back to the address Next records when the peer header is absent', () => {
    expect(clientIp(headers({ 'x-forwarded-for': '192.0.2.44' }), 0)).toBe('192.0.2.44');
  });
});

describe('requestMeta', () => {
  it('bounds the user agent and keeps a caller-supplied request id', () => {
    const meta = requestMeta(headers({ 'user-agent': 'x'.repeat(2000), 'x-request-id': 'abc' }), 0);
    expect(meta.userAgent).toHaveLength(512);
    expect(meta.requestId).toBe('abc');
    expect(requestMeta(headers({}), 0).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
