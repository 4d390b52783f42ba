import { expect, it } from 'vitest';
import { withFreshDatabase } from '../../../tests/fresh-database';
import { describeWithDatabase } from '../../../tests/helpers';
import { createLicenseFixture } from '../../../tests/licensing-fixtures';
import type { Db } from '../db';
import { getSecurityDashboard, listSignInAttempts, listValidationAttempts, listWebhookFailures } from './dashboard';
import { blockIp } from './ip-blocks';
import { refreshValidationRollups } from './rollups';

const HOUR = 60 * 60 * 1000;

type Attempt = { licenseId?: string; code: string; ip: string; at: Date };
const attempts = (count: number, attempt: Attempt) =>
  Array.from({ length: count }, () => ({ licenseId: attempt.licenseId ?? null, kind: 'validate', success: attempt.code === 'VALID', code: attempt.code, ip: attempt.ip, createdAt: attempt.at }));

/**
 * Known traffic: a license seen from 6 addresses two days ago, a scanner with 101 attempts three
 * hours ago, forged requests three hours ago, and a license validating now.
 */
async function seedTraffic(db: Db, now: Date) {
  const [shared, busy] = await Promise.all([createLicenseFixture(db), createLicenseFixture(db)]);
  const twoDaysAgo = new Date(now.getTime() - 48 * HOUR);
  const threeHoursAgo = new Date(now.getTime() - 3 * HOUR);
  await db.licenseValidation.createMany({
    data: [
      ...[1, 2, 3, 4, 5, 6].flatMap((n) => attempts(2, { licenseId: shared.licenseId, code: 'VALID', ip: `203.0.113.${n}`, at: twoDaysAgo })),
      ...attempts(101, { code: 'NOT_FOUND', ip: '198.51.100.9', at: threeHoursAgo }),
      ...attempts(3, { licenseId: busy.licenseId, code: 'BAD_SIGNATURE', ip: '192.0.2.66', at: threeHoursAgo }),
      ...attempts(10, { licenseId: busy.licenseId, code: 'VALID', ip: '192.0.2.10', at: now }),
      ...attempts(2, { licenseId: busy.licenseId, code: 'RATE_LIMITED', ip: '192.0.2.10', at: now }),
    ],
  });
  await db.signInAttempt.createMany({
    data: [
      ...Array.from({ length: 3 }, () => ({ email: 'guess@example.test', ip: '198.51.100.20', success: false, reason: 'bad_credentials', createdAt: now })),
      { email: 'ok@example.test', ip: '198.51.100.21', success: true, createdAt: now },
    ],
  });
  await db.stripeEvent.createMany({
    data: [
      { id: 'evt_failed_1', type: 'invoice.paid', status: 'FAILED', error: 'no such customer', payload: {}, createdAt: now, receivedAt: new Date(now.getTime() - 2000) },
      { id: 'evt_failed_2', type: 'invoice.payment_failed', status: 'FAILED', payload: {}, createdAt: now, receivedAt: new Date(now.getTime() - 1000) },
      { id: 'evt_ok', type: 'invoice.paid', status: 'PROCESSED', payload: {}, createdAt: now, receivedAt: now },
    ],
  });
  await blockIp(db, { ip: '198.51.100.9', reason: 'scanner', source: 'MANUAL', durationSeconds: 3600 }, { type: 'system' }, now);
  return { shared, busy };
}

describeWithDatabase('security dashboard', () => {
  it("answers seed 000's queries and the seeds' metrics for each window, the same with or without rollups", () =>
    withFreshDatabase(async (db) => {
      const now = new Date();
      const { shared, busy } = await seedTraffic(db, now);

      const week = await getSecurityDashboard(db, '7d', now);
      expect(week.summary).toEqual({ total: 128, succeeded: 22, failed: 106, rateLimited: 2, unauthorised: 3 });
      expect(week.reasons).toEqual([
        { code: 'NOT_FOUND', count: 101 },
        { code: 'BAD_SIGNATURE', count: 3 },
        { code: 'RATE_LIMITED', count: 2 },
      ]);
      expect(week.topLicenses.map((row) => [row.licenseId, row.total, row.failed])).toEqual([
        [busy.licenseId, 15, 5],
        [shared.licenseId, 12, 0],
      ]);
      expect(week.suspiciousIps).toEqual([{ ip: '198.51.100.9', attempts: 101, failed: 101, blocked: true }]);
      expect(week.licensesOnManyIps.map((row) => [row.licenseId, row.ips])).toEqual([[shared.licenseId, 6]]);
      expect(week.signIns).toMatchObject({ failed: 3, total: 4 });
      expect(week.webhooks).toEqual({ failed: 2, received: 3 });
      expect(week.blocks).toEqual({ active: 1, createdInWindow: 1 });
      const weekTotals = week.overTime.reduce(
        (sum, point) => ({ succeeded: sum.succeeded + point.succeeded, failed: sum.failed + point.failed, rate_limited: sum.rate_limited + point.rate_limited, unauthorised: sum.unauthorised + point.unauthorised }),
        { succeeded: 0, failed: 0, rate_limited: 0, unauthorised: 0 },
      );
      expect(weekTotals).toEqual({ succeeded: 22, failed: 101, rate_limited: 2, unauthorised: 3 });

      // The rollups take the ended hours and days; the answers do not change.
      await refreshValidationRollups(db, now);
      expect(await db.validationHourStat.count()).toBeGreaterThan(0);
      expect(await db.validationDayPair.count()).toBeGreaterThan(0);
      const rolledUp = await getSecurityDashboard(db, '7d', now);
      expect({ ...rolledUp, now: null }).toEqual({ ...week, now: null });

      const day = await getSecurityDashboard(db, '24h', now);
      expect(day.summary.total).toBe(116);
      expect(day.licensesOnManyIps).toEqual([]);
      expect(day.suspiciousIps.map((row) => row.ip)).toEqual(['198.51.100.9']);
      expect(day.overTime).toHaveLength(25);

      const hour = await getSecurityDashboard(db, '1h', now);
      expect(hour.summary).toEqual({ total: 12, succeeded: 10, failed: 2, rateLimited: 2, unauthorised: 0 });
      expect(hour.overTime.map((point) => point.at.getTime() % (5 * 60 * 1000))).toEqual(hour.overTime.map(() => 0));
    }));

  it('lists the attempts, sign-ins and webhook failures behind the tiles, by cursor', () =>
    withFreshDatabase(async (db) => {
      const now = new Date();
      const { busy } = await seedTraffic(db, now);

      const first = await listValidationAttempts(db, { window: '24h', outcome: 'unauthorised', limit: 2 }, now);
      expect(first.items.map((row) => [row.code, row.license?.id])).toEqual([
        ['BAD_SIGNATURE', busy.licenseId],
        ['BAD_SIGNATURE', busy.licenseId],
      ]);
      const second = await listValidationAttempts(db, { window: '24h', outcome: 'unauthorised', limit: 2, cursor: first.nextCursor }, now);
      expect(second).toMatchObject({ items: [{ code: 'BAD_SIGNATURE' }], nextCursor: null });
      expect(new Set([...first.items, ...second.items].map((row) => row.id)).size).toBe(3);

      expect((await listValidationAttempts(db, { window: '1h', outcome: 'rate_limited' }, now)).items).toHaveLength(2);
      expect((await listValidationAttempts(db, { window: '7d', code: 'NOT_FOUND', ip: '198.51.100.9', limit: 100 }, now)).items).toHaveLength(100);
      expect((await listValidationAttempts(db, { window: '1h', licenseId: busy.licenseId, outcome: 'succeeded' }, now)).items).toHaveLength(10);

      const failedSignIns = await listSignInAttempts(db, { window: '1h', result: 'failed' }, now);
      expect(failedSignIns.items.map((row) => row.reason)).toEqual(['bad_credentials', 'bad_credentials', 'bad_credentials']);

      const webhookPage = await listWebhookFailures(db, { window: '24h', limit: 1 }, now);
      expect(webhookPage.items.map((row) => row.id)).toEqual(['evt_failed_2']);
      expect((await listWebhookFailures(db, { window: '24h', limit: 1, cursor: webhookPage.nextCursor }, now)).items.map((row) => row.id)).toEqual(['evt_failed_1']);
    }));
});
