import { getEnv } from '../env';

/**
 * Security limits and thresholds in one table, with the source of each default. Later features
 * add their rows here rather than scattering numbers through the code. Values marked
 * "configurable" come from src/server/env.ts.
 */

/** Rate limits: a number of requests per window, counted per identifier (sliding window). */
export const RATE_LIMITS = {
  // Seed 002 / issue 4: 5 sign-in attempts per minute per IP and per account.
  signInPerIp: { limit: 5, windowSeconds: 60 },
  signInPerAccount: { limit: 5, windowSeconds: 60 },
  // Issue 4: TOTP and backup-code verification, 5 per minute per user.
  mfaVerifyPerUser: { limit: 5, windowSeconds: 60 },
  // Issue 4: 3 password-reset requests per hour per email.
  passwordResetPerEmail: { limit: 3, windowSeconds: 60 * 60 },
  // Seed 004 / issue 4: a reseller issues at most 20 licenses per hour.
  resellerLicenseIssue: { limit: 20, windowSeconds: 60 * 60 },
  // Issue 6: a key's own hourly limit, when its owner sets one (the count here is replaced by it).
  apiKeyOwnLimit: { limit: 1000, windowSeconds: 60 * 60 },
  // Issue 6: 10 API-key creations per hour per user.
  apiKeyCreatePerUser: { limit: 10, windowSeconds: 60 * 60 },
  // PROTOCOL.md section 7.
  validatePerLicense: { limit: 100, windowSeconds: 60 },
  licenseApiPerIp: { limit: 1000, windowSeconds: 60 * 60 },
  activatePerLicense: { limit: 10, windowSeconds: 60 * 60 },
  usagePerCustomer: { limit: 60, windowSeconds: 60 * 60 },
  stripeWebhook: { limit: 100, windowSeconds: 60 },
} as const satisfies Record<string, { limit: number; windowSeconds: number }>;

export type RateLimitName = keyof typeof RATE_LIMITS;

const HOUR = 60 * 60;
const DAY = 24 * HOUR;

function buildSecurityPolicy() {
  const env = getEnv();
  return {
    password: {
      // NIST SP 800-63B lengths (seed 002); composition classes on by default as seed 002 asks (configurable).
      minLength: 12,
      maxLength: 128,
      requireCharacterClasses: env.PASSWORD_REQUIRE_CHARACTER_CLASSES,
      // Seed 002: a new password may not repeat any of the last 12.
      historyDepth: 12,
      // OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
      argon2: { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 },
      // Have I Been Pwned range API (configurable); fails open after this timeout.
      breachCheck: { enabled: env.HIBP_ENABLED, apiUrl: env.HIBP_API_URL, timeoutMs: 2000 },
    },
    session: {
      // Seed 002: 30-minute idle timeout, 12-hour absolute lifetime (configurable).
      idleTimeoutSeconds: env.SESSION_IDLE_TIMEOUT_MINUTES * 60,
      absoluteLifetimeSeconds: env.SESSION_ABSOLUTE_LIFETIME_HOURS * 60 * 60,
      // Revocation reaches every instance within this many seconds.
      liveCheckIntervalSeconds: 30,
      // Issue 4: at most 5 live sessions per user; the oldest is revoked when a 6th begins.
      maxLiveSessionsPerUser: 5,
      // Issue 4: changing a password, MFA or admin API keys needs MFA within the last 10 minutes.
      stepUpWindowSeconds: 10 * 60,
    },
    signIn: {
      // Seed 002: an IP with 10 failures in 15 minutes is blocked for 15 minutes, then 1 hour, then 24 hours.
      failureThreshold: 10,
      failureWindowSeconds: 15 * 60,
      blockDurationsSeconds: [15 * 60, 60 * 60, 24 * 60 * 60],
      // Earlier blocks within this lookback raise the level of the next one.
      escalationLookbackSeconds: 7 * 24 * 60 * 60,
      // CIDRs never blocked (configurable).
      ipAllowlist: env.SECURITY_IP_ALLOWLIST,
      // How long the password step's MFA challenge and the session ticket stay valid.
      challengeLifetimeSeconds: 5 * 60,
      ticketLifetimeSeconds: 60,
    },
    mfa: {
      // RFC 6238 defaults (issue 4): SHA-1, 6 digits, 30-second steps, one step of drift either way.
      digits: 6,
      periodSeconds: 30,
      driftSteps: 1,
      backupCodeCount: 10,
      backupCodeLength: 8,
    },
    licenseApi: {
      // PROTOCOL.md sections 2, 4, 5 and 7.
      clockSkewSeconds: 300,
      maxBodyBytes: 16 * 1024,
      offlineGraceSeconds: 7 * 24 * 60 * 60,
      recheckIntervalSeconds: 24 * 60 * 60,
      // License policy, signing secret and active machines are cached this long per instance.
      // Every change made through Licensor invalidates at once, on every instance through Redis;
      // the time bounds staleness only while Redis is unreachable.
      licenseCacheTtlMs: 30_000,
      // Active IP blocks are re-read this often per instance.
      ipBlockRefreshMs: 5000,
      // Attempts that have no license (unknown keys, malformed or blocked requests) are written in batches.
      attemptLogFlushMs: 1000,
      attemptLogMaxBatch: 500,
    },
    anomalies: {
      // Seed 000: a license seen from more than 5 distinct IPs in 24 hours is being shared.
      maxDistinctIpsPer24h: 5,
      // Seed 000: a failure ratio above 10% over at least 50 attempts in an hour.
      maxFailureRatio: 0.1,
      minAttemptsForFailureRatio: 50,
      // A license validating far above its own norm: more than this multiple of its average hour
      // over the previous week, and at least the floor (so a quiet license is not flagged for 3 calls).
      rateSpikeMultiplier: 10,
      rateSpikeFloorPerHour: 120,
      // Each instance sweeps the licenses used since its last sweep this often.
      sweepEverySeconds: 60,
    },
    apiKeys: {
      // Issue 6: at most 20 live keys per customer; usage is recorded without a write per request.
      maxLiveKeysPerCustomer: 20,
      lastUsedWriteEverySeconds: 60,
      usageFlushEverySeconds: 10,
      // A usage report may be at most 300 s in the future and 35 days old (PROTOCOL.md section 4).
      usageMaxFutureSeconds: 300,
      usageMaxAgeDays: 35,
    },
    billing: {
      // Days a subscription license outlives its paid period, and a failed payment waits before OVERDUE (configurable).
      graceDays: env.BILLING_GRACE_DAYS,
      // Stripe's own default signature tolerance (issue 7: 300 s); older or future-dated signatures are refused.
      webhookToleranceSeconds: 300,
      // Stripe events are small JSON documents; anything larger is refused before it is parsed.
      webhookMaxBodyBytes: 1024 * 1024,
      // Seed 004: a payment risk score from 0 to 1 per customer; at or above the threshold a security alert is raised.
      paymentRisk: {
        alertThreshold: 0.7,
        // Each refund and dispute within the lookback adds its weight (a dispute is the stronger signal).
        lookbackDays: 90,
        refundWeight: 0.25,
        disputeWeight: 0.5,
        // Seed 004 "unusual payment creation patterns": Checkout sessions beyond this many an hour are a burst.
        checkoutBurstPerHour: 3,
        checkoutBurstWeight: 0.15,
      },
      // How often each instance moves licenses past their grace to OVERDUE and pushes usage to Stripe meters.
      scheduleEverySeconds: 5 * 60,
      // Usage records pushed to Stripe per batch, and requests in flight at once.
      meterPushBatchSize: 100,
      meterPushConcurrency: 5,
    },
    passwordReset: {
      // Issue 4: 32-byte token, valid 30 minutes, single use; invitations last 3 days.
      tokenBytes: 32,
      resetLifetimeSeconds: 30 * 60,
      inviteLifetimeSeconds: 3 * 24 * 60 * 60,
    },
    alerts: {
      // Each instance evaluates the rules (and retries undelivered alerts) this often.
      evaluateEverySeconds: 60,
      // A share of requests means little over a handful of calls: rates need this many first (as anomaly detection).
      minRequestsForRates: 50,
      // A rule does not raise (or send) the same alert again, for the same subject, within its cool-down.
      rules: {
        // Seed 000: failed validation rate above 10%.
        validation_failure_rate: { threshold: 0.1, windowSeconds: HOUR, cooldownSeconds: HOUR },
        // Seed 000: more than 5 licenses flagged by anomaly detection (in 24 hours).
        licenses_flagged: { threshold: 5, windowSeconds: DAY, cooldownSeconds: 6 * HOUR },
        // Seed 000: rate-limit hits above 1% of requests.
        rate_limit_share: { threshold: 0.01, windowSeconds: HOUR, cooldownSeconds: HOUR },
        // Seed 000: a license validated from more than 5 IP addresses in 24 hours (one alert per license).
        license_many_ips: { threshold: 5, windowSeconds: DAY, cooldownSeconds: DAY },
        // Seed 001: 401/403 answers above 5% of requests.
        auth_failure_share: { threshold: 0.05, windowSeconds: HOUR, cooldownSeconds: HOUR },
        // Seed 004: 50 failed sign-ins per hour.
        sign_in_failures: { threshold: 50, windowSeconds: HOUR, cooldownSeconds: HOUR },
        // Seed 004: 20 webhook failures per hour.
        webhook_failures: { threshold: 20, windowSeconds: HOUR, cooldownSeconds: HOUR },
        // Seed 004: high-risk payments, a customer at or above billing.paymentRisk.alertThreshold (one alert per customer).
        payment_risk: { cooldownSeconds: DAY },
      },
      webhook: {
        url: env.SECURITY_WEBHOOK_URL,
        secret: env.SECURITY_WEBHOOK_SECRET,
        timeoutMs: 5000,
        // One delivery tries 4 times, waiting 1 s, 5 s and 25 s in between; later evaluations retry what still failed.
        retryDelaysMs: [1000, 5000, 25_000],
        // Receivers should refuse a signature older than this (the same 300 s as PROTOCOL.md and Stripe).
        signatureToleranceSeconds: 300,
      },
      email: env.SECURITY_ALERT_EMAIL,
      smtpConfigured: env.SMTP_URL !== undefined,
      // Alerts that could not be delivered are retried by this many later evaluations, for at most a day.
      maxDeliveryRuns: 5,
      deliveryRetryWindowSeconds: DAY,
    },
    audit: {
      // Seed 002: 7-year retention (configurable); older events go only through the retention path.
      retentionDays: env.AUDIT_RETENTION_DAYS,
      // The chain head is signed every N events (configurable) and at least hourly while events are written.
      checkpointEveryEvents: env.AUDIT_CHECKPOINT_EVERY_EVENTS,
      checkpointEverySeconds: HOUR,
      // Retention runs hourly and removes at most this many events per transaction (each cut gets its checkpoint).
      retentionEverySeconds: HOUR,
      retentionBatchSize: 50_000,
      // Explorer pages and export batches, read by keyset on the sequence.
      pageSize: 50,
      exportBatchSize: 2000,
      // The per-day chart covers at most this many days.
      chartMaxDays: 92,
    },
  };
}

export type SecurityPolicy = ReturnType<typeof buildSecurityPolicy>;

let built: SecurityPolicy | undefined;

/** The policy, built once from the (immutable) parsed environment: hot paths read it per request. */
export function securityPolicy(): SecurityPolicy {
  built ??= buildSecurityPolicy();
  return built;
}
