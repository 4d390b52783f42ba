import { recordAuditEvent } from '../audit';
import type { Tx } from '../db';
import { securityPolicy } from '../security/policy';

/**
 * Payment risk (seed 004): a score from 0 (no signal) to 1 per customer, from refunds and
 * disputes in the lookback and from bursts of Checkout sessions in the last hour. The signals
 * are the customer's own audit events, which billing records anyway; at or above the threshold
 * a security alert is raised, once while it is open.
 */

export const PAYMENT_RISK_ACTIONS = {
  refund: 'billing.charge_refunded',
  dispute: 'billing.dispute_created',
  checkout: 'billing.checkout_create',
} as const;

export type PaymentRiskSignals = { refunds: number; disputes: number; checkoutsLastHour: number };

type PaymentRiskPolicy = ReturnType<typeof securityPolicy>['billing']['paymentRisk'];

export function paymentRiskScore(signals: PaymentRiskSignals, policy: PaymentRiskPolicy = securityPolicy().billing.paymentRisk): number {
  const burst = Math.max(0, signals.checkoutsLastHour - policy.checkoutBurstPerHour);
  const score = signals.refunds * policy.refundWeight + signals.disputes * policy.disputeWeight + burst * policy.checkoutBurstWeight;
  return Math.min(1, Math.round(score * 1000) / 1000);
}

const ALERT_RULE = 'payment_risk';

/** Recomputes and stores the customer's score; raises the alert when it reaches the threshold. */
export async function refreshPaymentRisk(tx: Tx, customerId: string, now = new Date()) {
  const policy = securityPolicy().billing.paymentRisk;
  const since = new Date(now.getTime() - policy.lookbackDays * 24 * 60 * 60 * 1000);
  const hourAgo = new Date(now.getTime() - 60 * 60 * 1000);
  const count = (action: string, from: Date) => tx.auditEvent.count({ where: { customerId, action, createdAt: { gte: from } } });
  const [refunds, disputes, checkoutsLastHour] = await Promise.all([
    count(PAYMENT_RISK_ACTIONS.refund, since),
    count(PAYMENT_RISK_ACTIONS.dispute, since),
    count(PAYMENT_RISK_ACTIONS.checkout, hourAgo),
  ]);
  const signals = { refunds, disputes, checkoutsLastHour };
  const score = paymentRiskScore(signals, policy);
  await tx.customer.update({ where: { id: customerId }, data: { paymentRiskScore: score } });
  if (score < policy.alertThreshold) return { score, alerted: false };
  const open = await tx.securityAlert.findFirst({ where: { rule: ALERT_RULE, customerId, status: { not: 'RESOLVED' } }, select: { id: true } });
  if (open) return { score, alerted: false };
  const title = `Payment risk ${score.toFixed(2)}: ${refunds} refund(s) and ${disputes} dispute(s) in ${policy.lookbackDays} days, ${checkoutsLastHour} Checkout session(s) in the last hour.`;
  await tx.securityAlert.create({ data: { rule: ALERT_RULE, severity: score >= 0.9 ? 'CRITICAL' : 'WARNING', title, detail: { score, ...signals }, customerId, createdAt: now } });
  await recordAuditEvent(tx, {
    actor: { type: 'system', label: 'payment risk' },
    action: 'billing.payment_risk_alert',
    target: { type: 'customer', id: customerId },
    customerId,
    severity: 'WARNING',
    metadata: { score, ...signals },
  });
  return { score, alerted: true };
}
