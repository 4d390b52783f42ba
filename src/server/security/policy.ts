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

export function securityPolicy() {
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
  };
}

export type SecurityPolicy = ReturnType<typeof securityPolicy>;
