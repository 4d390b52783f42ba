import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Prisma } from '@/generated/prisma/client';
import { canonicalJson, GENESIS_HASH, hashAuditEvent, type ChainedFields } from './chain';

describe('canonicalJson', () => {
  it('sorts object keys at every depth, whatever the insertion order', () => {
    const a = { b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } };
    const b = { a: { c: 'x', d: [3, { y: 2, z: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it('keeps array order, which is meaningful', () => {
    expect(canonicalJson([2, 1])).toBe('[2,1]');
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it('sorts by code unit, not by locale', () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3, _: 4, '10': 5, '9': 6 })).toBe('{"10":5,"9":6,"B":2,"_":4,"a":3,"b":1}');
  });

  it('drops undefined properties but keeps null, as JSON does', () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
    expect(canonicalJson([undefined, null])).toBe('[null,null]');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('escapes strings and keys like JSON.stringify', () => {
    const value = { 'we"ird\nkey': 'line\n"quoted" \u2028 é' };
    expect(canonicalJson(value)).toBe(JSON.stringify(value));
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });

  it('is a round trip: parsing and re-serialising gives the same text', () => {
    const value = { z: [{ b: true, a: 1.5 }], a: 'x', m: { n: null, e: -0, big: 1e21 } };
    const text = canonicalJson(value);
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });
});

const base: ChainedFields = {
  sequence: 42n,
  createdAt: new Date('2026-03-04T05:06:07.089Z'),
  actorType: 'user',
  actorId: 'user-1',
  actorLabel: 'alice@example.test',
  action: 'license.suspend',
  targetType: 'license',
  targetId: 'license-1',
  customerId: 'customer-1',
  ip: '203.0.113.7',
  userAgent: 'Mozilla/5.0',
  severity: 'WARNING',
  metadata: { reason: 'abuse', machines: [1, 2] },
  prevHash: 'a'.repeat(64),
};

describe('hashAuditEvent', () => {
  it('is the SHA-256 of the canonical form, as lower-case hex', () => {
    const hash = hashAuditEvent(base);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const canonical = canonicalJson({ ...base, sequence: '42', createdAt: '2026-03-04T05:06:07.089Z' });
    expect(hash).toBe(createHash('sha256').update(canonical).digest('hex'));
  });

  it('is deterministic and ignores the metadata key order that jsonb may change', () => {
    const reordered = { ...base, metadata: { machines: [1, 2], reason: 'abuse' } };
    expect(hashAuditEvent({ ...base })).toBe(hashAuditEvent(base));
    expect(hashAuditEvent(reordered)).toBe(hashAuditEvent(base));
  });

  it('ignores fields outside the chained set, such as the stored hash', () => {
    expect(hashAuditEvent({ ...base, hash: 'f'.repeat(64) } as ChainedFields)).toBe(hashAuditEvent(base));
  });

  const changes: { [K in keyof ChainedFields]-?: ChainedFields[K][] } = {
    sequence: [43n, 41n, 0n],
    createdAt: [new Date('2026-03-04T05:06:07.090Z'), new Date('2025-03-04T05:06:07.089Z')],
    actorType: ['system', 'api_key', 'cli'],
    actorId: [null, 'user-2', ''],
    actorLabel: [null, 'mallory@example.test'],
    action: ['license.revoke', 'license.suspend '],
    targetType: [null, 'customer'],
    targetId: [null, 'license-2'],
    customerId: [null, 'customer-2'],
    ip: [null, '203.0.113.8'],
    userAgent: [null, 'curl/8.0'],
    severity: ['INFO', 'CRITICAL'],
    metadata: [
      {},
      { reason: 'abuse' },
      { reason: 'Abuse', machines: [1, 2] },
      { reason: 'abuse', machines: [2, 1] },
      { reason: 'abuse', machines: [1, 2], extra: null },
      { reason: 'abuse', machines: ['1', 2] },
    ],
    prevHash: [GENESIS_HASH, 'b'.repeat(64)],
  };

  for (const [field, values] of Object.entries(changes) as [keyof ChainedFields, unknown[]][]) {
    it(`changes when ${field} changes`, () => {
      const original = hashAuditEvent(base);
      for (const value of values) {
        expect(hashAuditEvent({ ...base, [field]: value }), `${field} = ${String(value)}`).not.toBe(original);
      }
    });
  }

  it('covers every stored field of an audit event except the hash itself', () => {
    // A new column on AuditEvent must be added to the chained fields (and the list above).
    const columns = Object.keys(Prisma.AuditEventScalarFieldEnum).filter((column) => column !== 'hash');
    expect(Object.keys(changes).sort()).toEqual(columns.sort());
    expect(Object.keys(base).sort()).toEqual(columns.sort());
  });

  it('does not confuse a value moved from one field to another', () => {
    const moved = { ...base, targetId: base.actorId, actorId: base.targetId };
    expect(hashAuditEvent(moved)).not.toBe(hashAuditEvent(base));
  });
});
