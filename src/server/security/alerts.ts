import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Severity } from '@/generated/prisma/enums';
import type { ListAlertsInput } from '@/lib/schemas/security';
import { recordAuditEvent, type AuditActor } from '../audit';
import type { Db, DbOrTx, Tx } from '../db';
import { getEnv } from '../env';
import { AppError } from '../errors';
import { sendMail } from '../mail';
import { licenseAndIpActivity, validationSummary } from './dashboard';
import { securityPolicy } from './policy';

/**
 * Security alerts: rules with the seeds' thresholds (policy.alerts) are evaluated periodically;
 * a finding raises an alert unless the same rule already alerted about the same subject within
 * its cool-down (or that alert is still open). New alerts are delivered to SECURITY_WEBHOOK_URL
 * as a signed JSON POST (retried with backoff) and mailed to SECURITY_ALERT_EMAIL when SMTP is
 * configured. Admins acknowledge and resolve them; both are audited.
 */

type AlertRule = keyof ReturnType<typeof securityPolicy>['alerts']['rules'];

type AlertFinding = {
  rule: AlertRule;
  severity: Severity;
  title: string;
  detail: Record<string, number | string>;
  licenseId?: string;
  customerId?: string;
  ip?: string;
};

const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
/** A value at three times its threshold or more is critical. */
const severityFor = (value: number, threshold: number): Severity => (threshold > 0 && value >= threshold * 3 ? 'CRITICAL' : 'WARNING');

/** Every rule's findings at `now`. Rates need policy.alerts.minRequestsForRates requests in their window. */
export async function evaluateAlertRules(db: DbOrTx, now = new Date()): Promise<AlertFinding[]> {
  const { rules, minRequestsForRates } = securityPolicy().alerts;
  const since = (seconds: number) => new Date(now.getTime() - seconds * 1000);
  const summaries = new Map<number, ReturnType<typeof validationSummary>>();
  const summaryOver = (seconds: number) => {
    if (!summaries.has(seconds)) summaries.set(seconds, validationSummary(db, since(seconds)));
    return summaries.get(seconds)!;
  };
  const paymentThreshold = securityPolicy().billing.paymentRisk.alertThreshold;
  const [failureSummary, rateLimitSummary, authSummary, flagged, manyIps, signInFailures, webhookFailures, riskyCustomers] = await Promise.all([
    summaryOver(rules.validation_failure_rate.windowSeconds),
    summaryOver(rules.rate_limit_share.windowSeconds),
    summaryOver(rules.auth_failure_share.windowSeconds),
    db.license.count({ where: { flaggedAt: { gte: since(rules.licenses_flagged.windowSeconds) } } }),
    licenseAndIpActivity(db, since(rules.license_many_ips.windowSeconds), now, { licenses: 0, ips: 0, manyIps: 100 }),
    db.signInAttempt.count({ where: { success: false, createdAt: { gte: since(rules.sign_in_failures.windowSeconds) } } }),
    db.stripeEvent.count({ where: { status: 'FAILED', receivedAt: { gte: since(rules.webhook_failures.windowSeconds) } } }),
    db.customer.findMany({ where: { paymentRiskScore: { gte: paymentThreshold } }, select: { id: true, name: true, paymentRiskScore: true }, take: 100 }),
  ]);
  const findings: AlertFinding[] = [];
  const hours = (seconds: number) => (seconds === 3600 ? 'the last hour' : `the last ${seconds / 3600} hours`);

  const share = (rule: 'validation_failure_rate' | 'rate_limit_share' | 'auth_failure_share', count: number, total: number, what: string) => {
    const { threshold, windowSeconds } = rules[rule];
    if (total < minRequestsForRates) return;
    const ratio = count / total;
    if (ratio <= threshold) return;
    findings.push({
      rule,
      severity: severityFor(ratio, threshold),
      title: `${percent(ratio)} of ${total} license API requests ${what} in ${hours(windowSeconds)} (threshold ${percent(threshold)}).`,
      detail: { ratio: Math.round(ratio * 10_000) / 10_000, count, total, threshold },
    });
  };
  share('validation_failure_rate', failureSummary.failed, failureSummary.total, 'failed');
  share('rate_limit_share', rateLimitSummary.rateLimited, rateLimitSummary.total, 'were rate limited');
  share('auth_failure_share', authSummary.unauthorised, authSummary.total, 'were refused as unauthenticated or forbidden (401/403)');

  if (flagged > rules.licenses_flagged.threshold) {
    findings.push({
      rule: 'licenses_flagged',
      severity: severityFor(flagged, rules.licenses_flagged.threshold),
      title: `${flagged} licenses were flagged as suspicious in ${hours(rules.licenses_flagged.windowSeconds)} (threshold ${rules.licenses_flagged.threshold}).`,
      detail: { flagged, threshold: rules.licenses_flagged.threshold },
    });
  }
  for (const row of manyIps.licensesOnManyIps.filter((candidate) => candidate.ips > rules.license_many_ips.threshold)) {
    findings.push({
      rule: 'license_many_ips',
      severity: severityFor(row.ips, rules.license_many_ips.threshold),
      title: `License …${row.license.keyLast4} of ${row.license.customer.name} was validated from ${row.ips} IP addresses in ${hours(rules.license_many_ips.windowSeconds)}.`,
      detail: { distinctIps: row.ips, threshold: rules.license_many_ips.threshold },
      licenseId: row.licenseId,
      customerId: row.license.customer.id,
    });
  }
  if (signInFailures >= rules.sign_in_failures.threshold) {
    findings.push({
      rule: 'sign_in_failures',
      severity: severityFor(signInFailures, rules.sign_in_failures.threshold),
      title: `${signInFailures} failed sign-ins in ${hours(rules.sign_in_failures.windowSeconds)} (threshold ${rules.sign_in_failures.threshold}).`,
      detail: { failed: signInFailures, threshold: rules.sign_in_failures.threshold },
    });
  }
  if (webhookFailures >= rules.webhook_failures.threshold) {
    findings.push({
      rule: 'webhook_failures',
      severity: severityFor(webhookFailures, rules.webhook_failures.threshold),
      title: `${webhookFailures} Stripe webhook events failed in ${hours(rules.webhook_failures.windowSeconds)} (threshold ${rules.webhook_failures.threshold}).`,
      detail: { failed: webhookFailures, threshold: rules.webhook_failures.threshold },
    });
  }
  for (const customer of riskyCustomers) {
    findings.push({
      rule: 'payment_risk',
      severity: customer.paymentRiskScore >= 0.9 ? 'CRITICAL' : 'WARNING',
      title: `Payments of ${customer.name} are high-risk: score ${customer.paymentRiskScore.toFixed(2)} (threshold ${paymentThreshold.toFixed(2)}).`,
      detail: { score: customer.paymentRiskScore, threshold: paymentThreshold },
      customerId: customer.id,
    });
  }
  return findings;
}

/** Serialises the cool-down check and insert across every instance evaluating at once. */
const ALERT_LOCK = 'licensor.security_alerts';

/**
 * Stores the findings that are not suppressed: an alert of the same rule about the same subject
 * (license, customer, IP) created within the rule's cool-down, or still unresolved, suppresses it.
 */
async function raiseAlerts(db: Db, findings: AlertFinding[], now = new Date()) {
  if (findings.length === 0) return [];
  const { rules } = securityPolicy().alerts;
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${ALERT_LOCK}))`;
    const raised = [];
    for (const finding of findings) {
      const subject = { rule: finding.rule, licenseId: finding.licenseId ?? null, customerId: finding.customerId ?? null, ip: finding.ip ?? null };
      const cooldownStart = new Date(now.getTime() - rules[finding.rule].cooldownSeconds * 1000);
      const recent = await tx.securityAlert.findFirst({
        where: { ...subject, OR: [{ createdAt: { gte: cooldownStart } }, { status: { not: 'RESOLVED' } }] },
        select: { id: true },
      });
      if (recent) continue;
      const alert = await tx.securityAlert.create({
        data: { ...subject, severity: finding.severity, title: finding.title, detail: finding.detail, createdAt: now },
      });
      await recordAuditEvent(tx, {
        actor: { type: 'system', label: 'security alerts' },
        action: 'security.alert_raise',
        target: { type: 'security_alert', id: alert.id },
        customerId: finding.customerId,
        severity: finding.severity,
        metadata: { rule: finding.rule, title: finding.title, ...finding.detail },
      });
      raised.push(alert);
    }
    return raised;
  });
}

// ---------------------------------------------------------------------------
// Delivery
// ---------------------------------------------------------------------------

export const WEBHOOK_TIMESTAMP_HEADER = 'X-Licensor-Timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'X-Licensor-Signature';

/** `sha256=` and the hex HMAC-SHA256 of `<timestamp>.<body>`: what a receiver recomputes with the shared secret. */
function signWebhookBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** A receiver's check: the signature matches and the timestamp is within the tolerance (replays are refused). */
export function verifyWebhookSignature(
  secret: string,
  request: { timestamp: string | null; signature: string | null; body: string },
  now = new Date(),
  toleranceSeconds = securityPolicy().alerts.webhook.signatureToleranceSeconds,
): boolean {
  if (!request.timestamp || !/^\d{1,12}$/.test(request.timestamp) || !request.signature) return false;
  const timestamp = Number(request.timestamp);
  if (Math.abs(Math.floor(now.getTime() / 1000) - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhookBody(secret, timestamp, request.body));
  const given = Buffer.from(request.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export type AlertChannels = {
  webhook: { url: string; secret: string } | null;
  /** Only when SMTP is configured: without it mail would only reach the outbox table. */
  email: string | null;
  retryDelaysMs: readonly number[];
  timeoutMs: number;
};

export function configuredAlertChannels(): AlertChannels {
  const { webhook, email, smtpConfigured } = securityPolicy().alerts;
  return {
    webhook: webhook.url && webhook.secret ? { url: webhook.url, secret: webhook.secret } : null,
    email: email && smtpConfigured ? email : null,
    retryDelaysMs: webhook.retryDelaysMs,
    timeoutMs: webhook.timeoutMs,
  };
}

type StoredAlert = Awaited<ReturnType<Tx['securityAlert']['findFirstOrThrow']>>;

function alertPayload(alert: StoredAlert) {
  return {
    type: 'security.alert',
    alert: {
      id: alert.id,
      rule: alert.rule,
      severity: alert.severity,
      title: alert.title,
      detail: alert.detail,
      status: alert.status,
      licenseId: alert.licenseId,
      customerId: alert.customerId,
      ip: alert.ip,
      createdAt: alert.createdAt.toISOString(),
    },
    url: `${getEnv().APP_URL}/admin/alerts`,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One POST per try, re-signed each time; a 2xx answer ends it. Returns the last error, or null on success. */
async function postWebhook(channel: NonNullable<AlertChannels['webhook']>, body: string, retryDelaysMs: readonly number[], timeoutMs: number): Promise<string | null> {
  let lastError = 'not sent';
  for (let attempt = 0; attempt <= retryDelaysMs.length; attempt += 1) {
    if (attempt > 0) await sleep(retryDelaysMs[attempt - 1]!);
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const response = await fetch(channel.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Licensor security alerts',
          [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
          [WEBHOOK_SIGNATURE_HEADER]: signWebhookBody(channel.secret, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      if (response.ok) return null;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
  }
  return lastError.slice(0, 500);
}

function alertMail(alert: StoredAlert, to: string) {
  const detail = Object.entries(alert.detail as Record<string, unknown>).map(([key, value]) => `  ${key}: ${String(value)}`);
  return {
    to,
    subject: `[Licensor] ${alert.severity.toLowerCase()} security alert: ${alert.rule.replace(/_/g, ' ')}`,
    text: [alert.title, '', ...detail, '', `Raised ${alert.createdAt.toISOString()}.`, `Acknowledge or resolve it at ${getEnv().APP_URL}/admin/alerts`].join('\n'),
  };
}

/**
 * Sends every recent alert that some configured channel has not received yet. Each evaluation
 * claims an alert (its delivery-attempt counter) before sending, so two instances never send it
 * twice; one that still fails is retried by the next evaluations, a few times within a day.
 */
async function deliverPendingAlerts(db: Db, channels: AlertChannels = configuredAlertChannels(), now = new Date()) {
  if (!channels.webhook && !channels.email) return { delivered: 0, failed: 0 };
  const { maxDeliveryRuns, deliveryRetryWindowSeconds } = securityPolicy().alerts;
  const pending = await db.securityAlert.findMany({
    where: { deliveredAt: null, deliveryAttempts: { lt: maxDeliveryRuns }, createdAt: { gte: new Date(now.getTime() - deliveryRetryWindowSeconds * 1000) } },
    orderBy: { createdAt: 'asc' },
    take: 50,
  });
  let delivered = 0;
  let failed = 0;
  for (const alert of pending) {
    const claimed = await db.securityAlert.updateMany({
      where: { id: alert.id, deliveredAt: null, deliveryAttempts: alert.deliveryAttempts },
      data: { deliveryAttempts: { increment: 1 } },
    });
    if (claimed.count === 0) continue;
    const errors: string[] = [];
    let webhookDeliveredAt = alert.webhookDeliveredAt;
    let emailedAt = alert.emailedAt;
    if (channels.webhook && !webhookDeliveredAt) {
      const error = await postWebhook(channels.webhook, JSON.stringify(alertPayload(alert)), channels.retryDelaysMs, channels.timeoutMs);
      if (error) errors.push(`webhook: ${error}`);
      else webhookDeliveredAt = new Date();
    }
    if (channels.email && !emailedAt) {
      const mail = await sendMail(db, alertMail(alert, channels.email));
      if (mail.status === 'sent') emailedAt = new Date();
      else errors.push(`email: ${mail.status}`);
    }
    const done = errors.length === 0;
    await db.securityAlert.update({
      where: { id: alert.id },
      data: { webhookDeliveredAt, emailedAt, deliveryError: done ? null : errors.join('; ').slice(0, 500), deliveredAt: done ? new Date() : null },
    });
    if (done) delivered += 1;
    else failed += 1;
  }
  return { delivered, failed };
}

/** One evaluation: the rules, the new alerts, and delivery of whatever is pending. */
export async function runAlertEvaluation(db: Db, options: { now?: Date; channels?: AlertChannels } = {}) {
  const now = options.now ?? new Date();
  const findings = await evaluateAlertRules(db, now);
  const raised = await raiseAlerts(db, findings, now);
  const delivery = await deliverPendingAlerts(db, options.channels ?? configuredAlertChannels(), now);
  return { findings, raised, ...delivery };
}

// ---------------------------------------------------------------------------
// The alerts page
// ---------------------------------------------------------------------------

export async function listAlerts(db: DbOrTx, input: Omit<ListAlertsInput, 'limit'> & { limit?: number }) {
  const limit = input.limit ?? 50;
  const rows = await db.securityAlert.findMany({
    where: { ...(input.status ? { status: input.status } : {}), ...(input.cursor ? { id: { lt: input.cursor } } : {}) },
    orderBy: { id: 'desc' },
    take: limit + 1,
  });
  const items = rows.slice(0, limit);
  const [licenses, customers, users] = await Promise.all([
    db.license.findMany({ where: { id: { in: items.flatMap((alert) => (alert.licenseId ? [alert.licenseId] : [])) } }, select: { id: true, keyLast4: true } }),
    db.customer.findMany({ where: { id: { in: items.flatMap((alert) => (alert.customerId ? [alert.customerId] : [])) } }, select: { id: true, name: true } }),
    db.user.findMany({
      where: { id: { in: items.flatMap((alert) => [alert.acknowledgedById, alert.resolvedById].filter((id): id is string => id !== null)) } },
      select: { id: true, email: true },
    }),
  ]);
  const keyOf = new Map(licenses.map((license) => [license.id, license.keyLast4]));
  const nameOf = new Map(customers.map((customer) => [customer.id, customer.name]));
  const emailOf = new Map(users.map((user) => [user.id, user.email]));
  return {
    items: items.map((alert) => ({
      ...alert,
      detail: alert.detail as Record<string, unknown>,
      licenseKeyLast4: alert.licenseId ? (keyOf.get(alert.licenseId) ?? null) : null,
      customerName: alert.customerId ? (nameOf.get(alert.customerId) ?? null) : null,
      acknowledgedBy: alert.acknowledgedById ? (emailOf.get(alert.acknowledgedById) ?? null) : null,
      resolvedBy: alert.resolvedById ? (emailOf.get(alert.resolvedById) ?? null) : null,
    })),
    nextCursor: rows.length > limit ? items[items.length - 1]!.id : null,
  };
}

type AlertChange = { actor: AuditActor & { type: 'user' }; meta?: { ip?: string | null; userAgent?: string | null } };

async function changeAlertStatus(db: Db, input: { alertId: string; note?: string }, change: AlertChange, to: 'ACKNOWLEDGED' | 'RESOLVED') {
  return db.$transaction(async (tx) => {
    const alert = await tx.securityAlert.findUnique({ where: { id: input.alertId } });
    if (!alert) throw new AppError('NOT_FOUND', 'There is no such alert.');
    const from = to === 'ACKNOWLEDGED' ? (['OPEN'] as const) : (['OPEN', 'ACKNOWLEDGED'] as const);
    const now = new Date();
    // Conditional on the status read, so two admins acting at once cannot both succeed.
    const updated = await tx.securityAlert.updateMany({
      where: { id: alert.id, status: { in: [...from] } },
      data: to === 'ACKNOWLEDGED' ? { status: to, acknowledgedAt: now, acknowledgedById: change.actor.id } : { status: to, resolvedAt: now, resolvedById: change.actor.id },
    });
    if (updated.count === 0) throw new AppError('CONFLICT', `This alert is already ${alert.status.toLowerCase()}.`);
    await recordAuditEvent(tx, {
      actor: change.actor,
      action: to === 'ACKNOWLEDGED' ? 'security.alert_acknowledge' : 'security.alert_resolve',
      target: { type: 'security_alert', id: alert.id },
      customerId: alert.customerId,
      ip: change.meta?.ip,
      userAgent: change.meta?.userAgent,
      metadata: { rule: alert.rule, from: alert.status, ...(input.note ? { note: input.note } : {}) },
    });
    return { id: alert.id, status: to };
  });
}

export const acknowledgeAlert = (db: Db, input: { alertId: string; note?: string }, change: AlertChange) => changeAlertStatus(db, input, change, 'ACKNOWLEDGED');
export const resolveAlert = (db: Db, input: { alertId: string; note?: string }, change: AlertChange) => changeAlertStatus(db, input, change, 'RESOLVED');
