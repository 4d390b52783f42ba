import { describe, expect, it } from 'vitest';
import { scorePaymentRisk, scoreSignInRisk, scoreValidationRisk } from './risk';

const quietSignIns = { failedLast24h: 0, distinctIpsLast7d: 1, blockedIpsUsed: 0, latestFromNewIp: false, staffWithoutMfa: false };
const quietValidations = { attemptsLast24h: 100, failedLast24h: 2, distinctIpsLast24h: 2, unauthorisedLast24h: 0, rateLimitedLast24h: 0, flagged: false };

describe('risk scores', () => {
  it('scores quiet activity 0, low, with no reasons', () => {
    expect(scoreSignInRisk(quietSignIns)).toEqual({ score: 0, level: 'low', reasons: [] });
    expect(scoreValidationRisk(quietValidations)).toEqual({ score: 0, level: 'low', reasons: [] });
    expect(scorePaymentRisk({ billingScore: 0, overdueLicenses: 0, subscriptionsPastDue: 0 })).toEqual({ score: 0, level: 'low', reasons: [] });
  });

  it('weighs failed sign-ins up to the block threshold, and names each signal', () => {
    expect(scoreSignInRisk({ ...quietSignIns, failedLast24h: 5 })).toMatchObject({ score: 0.2, level: 'low', reasons: ['5 failed sign-ins in 24 hours'] });
    const risky = scoreSignInRisk({ failedLast24h: 40, distinctIpsLast7d: 8, blockedIpsUsed: 1, latestFromNewIp: true, staffWithoutMfa: true });
    expect(risky).toEqual({
      score: 1,
      level: 'high',
      reasons: [
        '40 failed sign-ins in 24 hours',
        'sign-in attempts from 8 IP addresses in 7 days',
        'attempts from 1 address blocked for abuse',
        'the latest sign-in came from a new IP address',
        'staff account without two-factor authentication',
      ],
    });
    expect(scoreSignInRisk({ ...quietSignIns, latestFromNewIp: true, distinctIpsLast7d: 4 })).toMatchObject({ score: 0.3, level: 'medium' });
  });

  it('raises a license seen on more than 5 IPs (seed 000), failing over 10% of at least 10 calls, or flagged', () => {
    expect(scoreValidationRisk({ ...quietValidations, distinctIpsLast24h: 5 }).score).toBe(0);
    expect(scoreValidationRisk({ ...quietValidations, distinctIpsLast24h: 6 })).toMatchObject({ score: 0.34, level: 'medium' });
    expect(scoreValidationRisk({ ...quietValidations, distinctIpsLast24h: 40 }).score).toBe(0.5);
    // 3 of 5 failed: too few calls to mean anything.
    expect(scoreValidationRisk({ ...quietValidations, attemptsLast24h: 5, failedLast24h: 3 }).score).toBe(0);
    expect(scoreValidationRisk({ ...quietValidations, failedLast24h: 11 })).toMatchObject({ score: 0.25, reasons: ['11% of 100 calls failed in 24 hours'] });
    expect(scoreValidationRisk({ ...quietValidations, flagged: true, unauthorisedLast24h: 3, rateLimitedLast24h: 1 })).toMatchObject({ score: 0.6, level: 'medium' });
  });

  it("starts payments from billing's score and adds overdue licenses and unpaid subscriptions, capped at 1", () => {
    expect(scorePaymentRisk({ billingScore: 0.5, overdueLicenses: 1, subscriptionsPastDue: 0 })).toMatchObject({ score: 0.7, level: 'high' });
    expect(scorePaymentRisk({ billingScore: 0.9, overdueLicenses: 2, subscriptionsPastDue: 1 })).toEqual({
      score: 1,
      level: 'high',
      reasons: ['payment signals (refunds, disputes, Checkout bursts) score 0.90', '1 subscription past due or unpaid', '2 licenses overdue for payment'],
    });
  });
});
