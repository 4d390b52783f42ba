import type { DbOrTx } from '../db';
import { RATE_LIMITED_CODE, UNAUTHORISED_CODES } from './dashboard';
import { securityPolicy } from './policy';

/**
 * Risk scores from 0 (no signal) to 1 (seed 004), shown where an admin decides: a user's
 * sign-ins, a license's validations and a customer's payments. Each kind is a pure function of
 * a few signals read from data Licensor already keeps, and says which signals raised it.
 */

export type RiskLevel = 'low' | 'medium' | 'high';
export type RiskAssessment = { score: number; level: RiskLevel; reasons: string[] };

const HOUR_MS = 60 * 60 * 1000;

function assessment(parts: { weight: number; reason: string }[]): RiskAssessment {
  const score = Math.min(1, Math.round(parts.reduce((sum, part) => sum + part.weight, 0) * 100) / 100);
  // 0.7 is where billing alerts on payment risk; the same cut marks every kind high.
  const level: RiskLevel = score >= 0.7 ? 'high' : score >= 0.3 ? 'medium' : 'low';
  return { score, level, reasons: parts.filter((part) => part.weight > 0).map((part) => part.reason) };
}

const plural = (count: number, noun: string, nouns = `${noun}s`) => `${count} ${count === 1 ? noun : nouns}`;

export type SignInSignals = {
  failedLast24h: number;
  distinctIpsLast7d: number;
  /** The user's addresses of the last 7 days that were blocked for abuse in that time. */
  blockedIpsUsed: number;
  /** The latest successful sign-in came from an address not used successfully in the 30 days before. */
  latestFromNewIp: boolean;
  staffWithoutMfa: boolean;
};

export function scoreSignInRisk(signals: SignInSignals): RiskAssessment {
  const { failureThreshold } = securityPolicy().signIn;
  return assessment([
    // Seed 002's block threshold (10 failures) is the point where failures alone weigh 0.4.
    { weight: Math.min(0.4, (signals.failedLast24h / failureThreshold) * 0.4), reason: `${plural(signals.failedLast24h, 'failed sign-in')} in 24 hours` },
    { weight: signals.distinctIpsLast7d > 6 ? 0.25 : signals.distinctIpsLast7d > 3 ? 0.15 : 0, reason: `sign-in attempts from ${signals.distinctIpsLast7d} IP addresses in 7 days` },
    { weight: signals.blockedIpsUsed > 0 ? 0.25 : 0, reason: `attempts from ${plural(signals.blockedIpsUsed, 'address', 'addresses')} blocked for abuse` },
    { weight: signals.latestFromNewIp ? 0.15 : 0, reason: 'the latest sign-in came from a new IP address' },
    { weight: signals.staffWithoutMfa ? 0.2 : 0, reason: 'staff account without two-factor authentication' },
  ]);
}

export type ValidationSignals = {
  attemptsLast24h: number;
  failedLast24h: number;
  distinctIpsLast24h: number;
  /** Bad signatures, stale timestamps, replays: someone has the key but not the secret, or is replaying. */
  unauthorisedLast24h: number;
  rateLimitedLast24h: number;
  flagged: boolean;
};

export function scoreValidationRisk(signals: ValidationSignals): RiskAssessment {
  const { maxDistinctIpsPer24h, maxFailureRatio } = securityPolicy().anomalies;
  const failureRatio = signals.attemptsLast24h >= 10 ? signals.failedLast24h / signals.attemptsLast24h : 0;
  const extraIps = signals.distinctIpsLast24h - maxDistinctIpsPer24h;
  return assessment([
    { weight: extraIps > 0 ? 0.3 + Math.min(0.2, extraIps * 0.04) : 0, reason: `validated from ${signals.distinctIpsLast24h} IP addresses in 24 hours (more than ${maxDistinctIpsPer24h})` },
    { weight: failureRatio > maxFailureRatio ? 0.25 : 0, reason: `${Math.round(failureRatio * 100)}% of ${signals.attemptsLast24h} calls failed in 24 hours` },
    { weight: signals.unauthorisedLast24h >= 3 ? 0.2 : 0, reason: `${plural(signals.unauthorisedLast24h, 'call')} with a bad signature, stale timestamp or replayed nonce` },
    { weight: signals.rateLimitedLast24h > 0 ? 0.1 : 0, reason: `${plural(signals.rateLimitedLast24h, 'call')} rate limited` },
    { weight: signals.flagged ? 0.3 : 0, reason: 'flagged as suspicious by anomaly detection' },
  ]);
}

export type PaymentSignals = {
  /** Billing's own score from refunds, disputes and Checkout bursts. */
  billingScore: number;
  overdueLicenses: number;
  subscriptionsPastDue: number;
};

export function scorePaymentRisk(signals: PaymentSignals): RiskAssessment {
  return assessment([
    { weight: signals.billingScore, reason: `payment signals (refunds, disputes, Checkout bursts) score ${signals.billingScore.toFixed(2)}` },
    { weight: signals.subscriptionsPastDue > 0 ? 0.2 : 0, reason: `${plural(signals.subscriptionsPastDue, 'subscription')} past due or unpaid` },
    { weight: signals.overdueLicenses > 0 ? 0.2 : 0, reason: `${plural(signals.overdueLicenses, 'license')} overdue for payment` },
  ]);
}

export async function assessSignInRisk(db: DbOrTx, userId: string, now = new Date()): Promise<RiskAssessment> {
  const dayAgo = new Date(now.getTime() - 24 * HOUR_MS);
  const weekAgo = new Date(now.getTime() - 7 * 24 * HOUR_MS);
  const [user, failedLast24h, ips, latest] = await Promise.all([
    db.user.findUnique({ where: { id: userId }, select: { role: true, mfa: { select: { confirmedAt: true } } } }),
    db.signInAttempt.count({ where: { userId, success: false, createdAt: { gte: dayAgo } } }),
    db.signInAttempt.findMany({ where: { userId, createdAt: { gte: weekAgo } }, distinct: ['ip'], select: { ip: true } }),
    db.signInAttempt.findFirst({ where: { userId, success: true }, orderBy: { createdAt: 'desc' }, select: { ip: true, createdAt: true } }),
  ]);
  const [blockedIps, earlierFromSameIp, earlierSuccesses] = await Promise.all([
    ips.length
      ? db.ipBlock.findMany({ where: { ip: { in: ips.map((row) => row.ip) }, createdAt: { gte: weekAgo } }, distinct: ['ip'], select: { ip: true } })
      : Promise.resolve([]),
    latest
      ? db.signInAttempt.count({ where: { userId, success: true, ip: latest.ip, createdAt: { lt: latest.createdAt, gte: new Date(latest.createdAt.getTime() - 30 * 24 * HOUR_MS) } } })
      : Promise.resolve(0),
    latest ? db.signInAttempt.count({ where: { userId, success: true, createdAt: { lt: latest.createdAt } } }) : Promise.resolve(0),
  ]);
  return scoreSignInRisk({
    failedLast24h,
    distinctIpsLast7d: ips.length,
    blockedIpsUsed: blockedIps.length,
    latestFromNewIp: latest !== null && earlierSuccesses > 0 && earlierFromSameIp === 0,
    staffWithoutMfa: user !== null && user.role !== 'CUSTOMER' && !user.mfa?.confirmedAt,
  });
}

export async function assessLicenseRisk(db: DbOrTx, licenseId: string, now = new Date()): Promise<RiskAssessment> {
  const dayAgo = new Date(now.getTime() - 24 * HOUR_MS);
  const [license, [counts]] = await Promise.all([
    db.license.findUnique({ where: { id: licenseId }, select: { suspicious: true } }),
    db.$queryRaw<{ attempts: number; failed: number; ips: number; unauthorised: number; rateLimited: number }[]>`
      SELECT count(*)::int AS "attempts", (count(*) FILTER (WHERE NOT "success"))::int AS "failed", count(DISTINCT "ip")::int AS "ips",
             (count(*) FILTER (WHERE "code" = ANY(${[...UNAUTHORISED_CODES]})))::int AS "unauthorised",
             (count(*) FILTER (WHERE "code" = ${RATE_LIMITED_CODE}))::int AS "rateLimited"
      FROM "LicenseValidation" WHERE "licenseId" = ${licenseId} AND "createdAt" >= ${dayAgo}`,
  ]);
  return scoreValidationRisk({
    attemptsLast24h: counts?.attempts ?? 0,
    failedLast24h: counts?.failed ?? 0,
    distinctIpsLast24h: counts?.ips ?? 0,
    unauthorisedLast24h: counts?.unauthorised ?? 0,
    rateLimitedLast24h: counts?.rateLimited ?? 0,
    flagged: license?.suspicious ?? false,
  });
}

export async function assessPaymentRisk(db: DbOrTx, customerId: string): Promise<RiskAssessment> {
  const [customer, overdueLicenses, subscriptionsPastDue] = await Promise.all([
    db.customer.findUnique({ where: { id: customerId }, select: { paymentRiskScore: true } }),
    db.license.count({ where: { customerId, status: 'OVERDUE' } }),
    db.subscription.count({ where: { customerId, status: { in: ['past_due', 'unpaid'] } } }),
  ]);
  return scorePaymentRisk({ billingScore: customer?.paymentRiskScore ?? 0, overdueLicenses, subscriptionsPastDue });
}
