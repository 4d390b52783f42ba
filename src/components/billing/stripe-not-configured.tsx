import { Card } from '@/components/ui/card';

/**
 * What the billing pages show while STRIPE_SECRET_KEY is unset: licensing stays manual, and
 * admins read how to connect Stripe; customers only that online billing is not offered yet.
 */
export function StripeNotConfigured({ audience, webhookUrl }: { audience: 'admin' | 'customer'; webhookUrl: string }) {
  if (audience === 'customer') {
    return (
      <Card title="Online billing is not available yet">
        <p className="text-sm text-slate-600">
          Stripe is not configured for this Licensor, so subscriptions cannot be bought here. Your licenses keep working; ask your vendor for new ones.
        </p>
      </Card>
    );
  }
  return (
    <Card title="Stripe is not configured">
      <div className="space-y-3 text-sm text-slate-600">
        <p>Licensing works without it: admins and resellers issue licenses by hand. To sell subscriptions that issue and renew licenses by themselves:</p>
        <ol className="list-decimal space-y-1 pl-5">
          <li>
            Set <code className="font-mono text-xs">STRIPE_SECRET_KEY</code> (sk_live_… or sk_test_…) in the server’s environment and restart it.
          </li>
          <li>
            In Stripe, add a webhook endpoint at <code className="font-mono text-xs break-all">{webhookUrl}</code> for checkout.session.completed,
            customer.subscription.created, .updated and .deleted, invoice.paid, invoice.payment_failed, charge.refunded, charge.dispute.created and
            customer.updated; put its signing secret in <code className="font-mono text-xs">STRIPE_WEBHOOK_SECRET</code>.
          </li>
          <li>Give each plan you sell its Stripe price under Plans and prices.</li>
        </ol>
        <p>The README’s “Stripe billing” section has the details, including the Stripe CLI for local webhooks.</p>
      </div>
    </Card>
  );
}
