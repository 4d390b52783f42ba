import { beforeAll, expect, it } from 'vitest';
import { describeWithDatabase } from '../../../tests/helpers';
import { createLicenseFixture, signedRequest } from '../../../tests/licensing-fixtures';
import { getDb, type Db } from '../db';
import { sweepLicenseAnomalies } from './anomalies';
import { handleLicenseApiRequest } from './api';

let db: Db;
beforeAll(async () => {
  db = await getDb();
});

async function attempts(licenseId: string, rows: { ip: string; success: boolean; minutesAgo?: number }[]) {
  const now = Date.now();
  await db.licenseValidation.createMany({
    data: rows.map((row) => ({ licenseId, kind: 'validate', success: row.success, code: row.success ? 'VALID' : 'FINGERPRINT_MISMATCH', ip: row.ip, createdAt: new Date(now - (row.minutesAgo ?? 1) * 60_000) })),
  });
}

const since = () => new Date(Date.now() - 5 * 60_000);

describeWithDatabase('anomaly detection', () => {
  it('flags a license validated from more than 5 IPs in 24 hours, keeps the reason and raises an alert', async () => {
    const fixture = await createLicenseFixture(db);
    await attempts(fixture.licenseId, Array.from({ length: 5 }, (_, i) => ({ ip: `198.51.100.${i + 1}`, success: true, minutesAgo: 60 * (i + 1) })));
    expect(await sweepLicenseAnomalies(db, since())).not.toContain(fixture.licenseId);
    await attempts(fixture.licenseId, [{ ip: '198.51.100.99', success: true }]);
    expect(await sweepLicenseAnomalies(db, since())).toContain(fixture.licenseId);
    const license = await db.license.findUniqueOrThrow({ where: { id: fixture.licenseId } });
    expect(license).toMatchObject({ suspicious: true, status: 'ACTIVE' });
    expect(license.suspiciousReason).toContain('6 IP addresses');
    expect(await db.securityAlert.count({ where: { licenseId: fixture.licenseId, rule: 'license_many_ips' } })).toBe(1);
    expect(await db.auditEvent.count({ where: { targetId: fixture.licenseId, action: 'license.flag' } })).toBe(1);
    // Flagged once: a later sweep does not raise the alert again.
    await sweepLicenseAnomalies(db, since());
    expect(await db.securityAlert.count({ where: { licenseId: fixture.licenseId } })).toBe(1);
    // The plan blocks flagged licenses: validate now answers FLAGGED.
    const response = await handleLicenseApiRequest(db, 'validate', signedRequest('validate', { licenseKey: fixture.licenseKey, fingerprint: 'm' }, fixture.signingSecret));
    expect(JSON.parse(response.body).code).toBe('FLAGGED');
  });

  it('flags a failure ratio over 10% across at least 50 attempts in an hour, but not fewer attempts', async () => {
    const few = await createLicenseFixture(db);
    await attempts(few.licenseId, [...Array.from({ length: 30 }, () => ({ ip: '192.0.2.1', success: true })), ...Array.from({ length: 10 }, () => ({ ip: '192.0.2.1', success: false }))]);
    const many = await createLicenseFixture(db);
    await attempts(many.licenseId, [...Array.from({ length: 44 }, () => ({ ip: '192.0.2.2', success: true })), ...Array.from({ length: 6 }, () => ({ ip: '192.0.2.2', success: false }))]);
    const flagged = await sweepLicenseAnomalies(db, since());
    expect(flagged).toContain(many.licenseId);
    expect(flagged).not.toContain(few.licenseId);
    expect((await db.license.findUniqueOrThrow({ where: { id: many.licenseId } })).suspiciousReason).toContain('12% of 50 attempts failed');
  });

  it('flags a rate far above the license\'s own norm, and suspends when the plan says so', async () => {
    const fixture = await createLicenseFixture(db);
    await db.plan.update({ where: { id: fixture.planId }, data: { autoSuspendOnAnomaly: true } });
    await attempts(fixture.licenseId, Array.from({ length: 10 }, () => ({ ip: '192.0.2.3', success: true, minutesAgo: 24 * 60 })));
    await attempts(fixture.licenseId, Array.from({ length: 130 }, () => ({ ip: '192.0.2.3', success: true })));
    expect(await sweepLicenseAnomalies(db, since())).toContain(fixture.licenseId);
    const license = await db.license.findUniqueOrThrow({ where: { id: fixture.licenseId } });
    expect(license).toMatchObject({ suspicious: true, status: 'SUSPENDED' });
    expect(await db.auditEvent.count({ where: { targetId: fixture.licenseId, action: 'license.suspend' } })).toBe(1);
  });
});
