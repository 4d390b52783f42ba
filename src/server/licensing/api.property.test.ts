import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { describeWithDatabase } from '../../../tests/helpers';
import { createLicenseFixture, freshIp, signedRequest, type LicenseFixture } from '../../../tests/licensing-fixtures';
import { getDb, type Db } from '../db';
import { handleLicenseApiRequest, type LicenseApiRequest, type LicenseOperation } from './api';

/**
 * Random and hostile requests at every signed endpoint: never a 5xx, and a refused request
 * changes nothing but the validation log and the license's counters.
 */

let db: Db;
let fixture: LicenseFixture;
beforeAll(async () => {
  db = await getDb();
  fixture = await createLicenseFixture(db, { maxMachines: 2 });
});

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom("' OR 1=1 --", '"; DROP TABLE "License"; --', '<script>alert(1)</script>', '\u0000', '\uFFFF', '../../etc/passwd', '%00', 'LK-00000-00000-00000-00000-00000'),
  fc.string({ minLength: 17_000, maxLength: 17_100 }).map((value) => value.slice(0, 17_000)),
);
const jsonValue = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }));

const operation = fc.constantFrom<LicenseOperation>('validate', 'activate', 'deactivate');

/** A body: valid-looking fields with random values, random extra fields, or no JSON at all. */
const body = fc.oneof(
  fc.record(
    {
      licenseKey: fc.oneof(fc.constant('__FIXTURE__'), jsonValue),
      fingerprint: fc.oneof(fc.constantFrom('machine-a', 'machine-b'), jsonValue),
      feature: fc.oneof(fc.constantFrom('core', 'reports', 'nope'), jsonValue),
      hostname: jsonValue,
      extra: jsonValue,
    },
    { requiredKeys: [] },
  ),
  fc.dictionary(fc.string({ maxLength: 8 }), jsonValue, { maxKeys: 4 }),
  jsonValue,
);

const headerValue = fc.oneof(fc.constant(null), hostileString, fc.stringMatching(/^[0-9a-f]{64}$/), fc.stringMatching(/^[1-9][0-9]{0,11}$/), fc.stringMatching(/^[A-Za-z0-9_-]{16,40}$/));

type Mutation = { kind: 'unsigned'; headers: Record<string, string | null>; raw: string | null } | { kind: 'signed'; tamper: 'none' | 'body' | 'secret' | 'timestamp' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('unsigned' as const),
    headers: fc.record({
      'content-type': fc.oneof(fc.constant('application/json'), fc.constant('application/json; charset=utf-8'), headerValue),
      'x-licensor-timestamp': headerValue,
      'x-licensor-nonce': headerValue,
      'x-licensor-signature': headerValue,
    }),
    raw: fc.oneof(fc.constant(null), fc.string({ maxLength: 60 })),
  }),
  fc.record({ kind: fc.constant('signed' as const), tamper: fc.constantFrom('none', 'body', 'secret', 'timestamp') as fc.Arbitrary<'none' | 'body' | 'secret' | 'timestamp'> }),
);

function buildRequest(op: LicenseOperation, payload: unknown, change: Mutation): LicenseApiRequest {
  const withKey = JSON.parse(JSON.stringify(payload ?? null).replace('"__FIXTURE__"', JSON.stringify(fixture.licenseKey))) as unknown;
  if (change.kind === 'unsigned') {
    return signedRequest(op, withKey, fixture.signingSecret, { rawBody: change.raw ?? JSON.stringify(withKey), headers: change.headers, ip: freshIp() });
  }
  const request = signedRequest(op, withKey, fixture.signingSecret, {
    ip: freshIp(),
    signWith: change.tamper === 'secret' ? 'Z'.repeat(43) : undefined,
    timestamp: change.tamper === 'timestamp' ? 1_000_000_000 : undefined,
  });
  if (change.tamper !== 'body') return request;
  return { ...request, body: new TextEncoder().encode(`${new TextDecoder().decode(request.body)} `) };
}

async function snapshot() {
  const license = await db.license.findUniqueOrThrow({ where: { id: fixture.licenseId }, select: { status: true, expiresAt: true, suspicious: true, maxMachines: true, features: true } });
  const machines = await db.machine.findMany({ where: { licenseId: fixture.licenseId }, orderBy: { id: 'asc' }, select: { id: true, deactivatedAt: true } });
  return { license, machines };
}

describeWithDatabase('license API under random and hostile input', () => {
  it('never answers 5xx, and a refusal changes nothing but the log and counters', async () => {
    await fc.assert(
      fc.asyncProperty(operation, body, mutation, async (op, payload, change) => {
        const before = await snapshot();
        const response = await handleLicenseApiRequest(db, op, buildRequest(op, payload, change));
        expect(response.status).toBeLessThan(500);
        expect(response.headers['X-Licensor-Response-Signature']).toMatch(/^ed25519=/);
        const answer = JSON.parse(response.body) as { error?: string; valid?: boolean; code?: string; message?: string };
        if (response.status >= 400) {
          expect(Object.keys(answer).sort()).toEqual(['error', 'message']);
          expect(answer.message).not.toMatch(/prisma|SELECT|INSERT|at \w+ \(/i);
        }
        const refused = response.status >= 400 || answer.valid === false;
        if (refused) expect(await snapshot()).toEqual(before);
      }),
      { numRuns: 150 },
    );
  });
});
