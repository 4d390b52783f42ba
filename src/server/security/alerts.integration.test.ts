import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withFreshDatabase } from '../../../tests/fresh-database';
import { describeWithDatabase } from '../../../tests/helpers';
import type { Db } from '../db';
import {
  acknowledgeAlert,
  evaluateAlertRules,
  resolveAlert,
  runAlertEvaluation,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  type AlertChannels,
} from './alerts';

type Received = { headers: IncomingHttpHeaders; body: string };

/** A local receiver that records every POST and answers with the next status of `statuses` (then 200). */
function startReceiver() {
  const received: Received[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(statuses.shift() ?? 200).end();
    });
  });
  return {
    received,
    statuses,
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/security`))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const secret = randomBytes(32).toString('hex');
const receiver = startReceiver();
let channels: AlertChannels;
const admin = (id: string) => ({ actor: { type: 'user' as const, id, label: 'admin@example.test' }, meta: { ip: '192.0.2.10', userAgent: 'vitest' } });

async function failedSignIns(db: Db, count: number, at = new Date()) {
  await db.signInAttempt.createMany({
    data: Array.from({ length: count }, (_, index) => ({ email: `guess${index}@example.test`, ip: `198.51.100.${index % 200}`, success: false, reason: 'bad_credentials', createdAt: at })),
  });
}

describeWithDatabase('security alerts', () => {
  beforeAll(async () => {
    const url = await receiver.listen();
    // Short waits between tries keep the retry test quick; production waits 1 s, 5 s and 25 s.
    channels = { webhook: { url, secret }, email: null, retryDelaysMs: [20, 40], timeoutMs: 2000 };
  });

  afterAll(async () => {
    await receiver.close();
  });

  it('sends one signed webhook when a threshold is crossed, and none again within the cool-down', () =>
    withFreshDatabase(async (db) => {
      receiver.received.length = 0;
      // Seed 004: 50 failed sign-ins in an hour. 49 is below the threshold.
      await failedSignIns(db, 49);
      expect(await evaluateAlertRules(db)).toEqual([]);
      await failedSignIns(db, 1);

      const first = await runAlertEvaluation(db, { channels });
      expect(first.raised.map((alert) => alert.rule)).toEqual(['sign_in_failures']);
      expect(first).toMatchObject({ delivered: 1, failed: 0 });
      expect(receiver.received).toHaveLength(1);

      const [request] = receiver.received;
      const timestamp = request!.headers[WEBHOOK_TIMESTAMP_HEADER.toLowerCase()] as string;
      const signature = request!.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()] as string;
      expect(request!.headers['content-type']).toBe('application/json');
      expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature(secret, { timestamp, signature, body: request!.body })).toBe(true);
      // The signature covers the body and the timestamp: a changed byte or another secret fails.
      expect(verifyWebhookSignature(secret, { timestamp, signature, body: request!.body.replace('sign_in_failures', 'sign_in_failurez') })).toBe(false);
      expect(verifyWebhookSignature(`${secret}x`, { timestamp, signature, body: request!.body })).toBe(false);
      expect(verifyWebhookSignature(secret, { timestamp, signature, body: request!.body }, new Date(Date.now() + 10 * 60 * 1000))).toBe(false);
      const payload = JSON.parse(request!.body) as { type: string; alert: { id: string; rule: string; severity: string; detail: Record<string, number> } };
      expect(payload).toMatchObject({ type: 'security.alert', alert: { id: first.raised[0]!.id, rule: 'sign_in_failures', severity: 'WARNING', detail: { failed: 50, threshold: 50 } } });

      const stored = await db.securityAlert.findUniqueOrThrow({ where: { id: first.raised[0]!.id } });
      expect(stored).toMatchObject({ status: 'OPEN', deliveryAttempts: 1, deliveryError: null });
      expect(stored.deliveredAt).toBeInstanceOf(Date);
      expect(stored.webhookDeliveredAt).toBeInstanceOf(Date);
      expect(await db.auditEvent.count({ where: { action: 'security.alert_raise', targetId: stored.id } })).toBe(1);

      // Still over the threshold a minute later: within the cool-down, nothing is raised or sent.
      await failedSignIns(db, 10);
      const second = await runAlertEvaluation(db, { channels, now: new Date(Date.now() + 60 * 1000) });
      expect(second.findings.map((finding) => finding.rule)).toEqual(['sign_in_failures']);
      expect(second.raised).toEqual([]);
      expect(receiver.received).toHaveLength(1);
      expect(await db.securityAlert.count()).toBe(1);
    }));

  it('alerts again only after the cool-down and once the earlier alert is resolved; acknowledging and resolving are audited', () =>
    withFreshDatabase(async (db) => {
      receiver.received.length = 0;
      const adminUser = await db.user.create({ data: { email: 'alerts-admin@example.test', name: 'Admin', role: 'ADMIN', passwordHash: 'unused' } });
      await failedSignIns(db, 60);
      const [alert] = (await runAlertEvaluation(db, { channels })).raised;
      const later = new Date(Date.now() + 2 * 60 * 60 * 1000);
      await failedSignIns(db, 60, later);
      // Past the cool-down, but the first alert is still open.
      expect((await runAlertEvaluation(db, { channels, now: later })).raised).toEqual([]);

      await acknowledgeAlert(db, { alertId: alert!.id, note: 'looking into it' }, admin(adminUser.id));
      await expect(acknowledgeAlert(db, { alertId: alert!.id }, admin(adminUser.id))).rejects.toMatchObject({ code: 'CONFLICT' });
      await resolveAlert(db, { alertId: alert!.id }, admin(adminUser.id));
      await expect(resolveAlert(db, { alertId: alert!.id }, admin(adminUser.id))).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await db.securityAlert.findUniqueOrThrow({ where: { id: alert!.id } })).toMatchObject({
        status: 'RESOLVED',
        acknowledgedById: adminUser.id,
        resolvedById: adminUser.id,
      });
      const audited = await db.auditEvent.findMany({ where: { targetType: 'security_alert', targetId: alert!.id, actorId: adminUser.id }, orderBy: { sequence: 'asc' } });
      expect(audited.map((event) => [event.action, event.metadata])).toEqual([
        ['security.alert_acknowledge', { rule: 'sign_in_failures', from: 'OPEN', note: 'looking into it' }],
        ['security.alert_resolve', { rule: 'sign_in_failures', from: 'ACKNOWLEDGED' }],
      ]);

      const again = await runAlertEvaluation(db, { channels, now: later });
      expect(again.raised.map((raised) => raised.rule)).toEqual(['sign_in_failures']);
      expect(receiver.received).toHaveLength(2);
    }));

  it('retries a failing receiver with backoff, and a later evaluation retries what still failed', () =>
    withFreshDatabase(async (db) => {
      receiver.received.length = 0;
      await failedSignIns(db, 50);
      // The first try fails, the second succeeds: one alert, two requests, each signed afresh.
      receiver.statuses.push(500);
      const first = await runAlertEvaluation(db, { channels });
      expect(first).toMatchObject({ delivered: 1, failed: 0 });
      expect(receiver.received).toHaveLength(2);
      for (const request of receiver.received) {
        const headers = { timestamp: request.headers['x-licensor-timestamp'] as string, signature: request.headers['x-licensor-signature'] as string };
        expect(verifyWebhookSignature(secret, { ...headers, body: request.body })).toBe(true);
      }

      // A receiver down for every try of one evaluation: the alert waits for the next one.
      receiver.received.length = 0;
      await db.signInAttempt.deleteMany();
      await db.stripeEvent.createMany({
        data: Array.from({ length: 20 }, (_, index) => ({ id: `evt_failed_${index}`, type: 'invoice.paid', status: 'FAILED' as const, payload: {}, createdAt: new Date() })),
      });
      receiver.statuses.push(503, 503, 503);
      const down = await runAlertEvaluation(db, { channels });
      expect(down.raised.map((alert) => alert.rule)).toEqual(['webhook_failures']);
      expect(down).toMatchObject({ delivered: 0, failed: 1 });
      expect(receiver.received).toHaveLength(3);
      const pending = await db.securityAlert.findUniqueOrThrow({ where: { id: down.raised[0]!.id } });
      expect(pending).toMatchObject({ deliveredAt: null, webhookDeliveredAt: null, deliveryAttempts: 1, deliveryError: 'webhook: HTTP 503' });

      const retried = await runAlertEvaluation(db, { channels });
      expect(retried).toMatchObject({ raised: [], delivered: 1, failed: 0 });
      expect(receiver.received).toHaveLength(4);
      expect(await db.securityAlert.findUniqueOrThrow({ where: { id: pending.id } })).toMatchObject({ deliveryAttempts: 2, deliveryError: null });
    }));

  it("raises the seeds' rate rules over 10% failures, 1% rate-limited and 5% 401/403, but not at or under them", () =>
    withFreshDatabase(async (db) => {
      const attempts = (count: number, code: string) =>
        Array.from({ length: count }, () => ({ kind: 'validate', success: code === 'VALID', code, ip: '198.51.100.7' }));
      // 200 requests: 20 failures (10%, not over), 2 rate limited (1%), 10 refused 401/403 (5%).
      await db.licenseValidation.createMany({ data: [...attempts(180, 'VALID'), ...attempts(8, 'EXPIRED'), ...attempts(2, 'RATE_LIMITED'), ...attempts(10, 'BAD_SIGNATURE')] });
      expect(await evaluateAlertRules(db)).toEqual([]);
      await db.licenseValidation.createMany({ data: [...attempts(1, 'RATE_LIMITED'), ...attempts(1, 'STALE_TIMESTAMP')] });
      const rules = (await evaluateAlertRules(db)).map((finding) => finding.rule).sort();
      expect(rules).toEqual(['auth_failure_share', 'rate_limit_share', 'validation_failure_rate']);
    }));
});
