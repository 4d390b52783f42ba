import type { ReactNode } from 'react';
import { NavLink } from '@/components/nav-link';
import { StripeNotConfigured } from '@/components/billing/stripe-not-configured';
import { billingConfiguration } from '@/server/billing';
import { requirePageSession } from '@/server/http/page-guards';

/** Billing's own sections, and the notice on every one of them while Stripe is not configured. */
export default async function AdminBillingLayout({ children }: { children: ReactNode }) {
  await requirePageSession(['ADMIN'], '/admin/billing');
  const configuration = billingConfiguration();
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold text-slate-900">Billing</h1>
        <nav aria-label="Billing sections" className="flex gap-1">
          <NavLink href="/admin/billing" exact>
            Overview
          </NavLink>
          <NavLink href="/admin/billing/events">Webhook events</NavLink>
          <NavLink href="/admin/billing/plans">Plans and prices</NavLink>
        </nav>
      </div>
      {!configuration.checkoutEnabled && <StripeNotConfigured audience="admin" webhookUrl={configuration.webhookUrl} />}
      {configuration.checkoutEnabled && !configuration.webhooksEnabled && (
        <p role="status" className="rounded-md bg-amber-50 p-3 text-sm text-amber-800">
          STRIPE_WEBHOOK_SECRET is not set: Checkout works, but no payment reaches Licensor until the webhook endpoint {configuration.webhookUrl} is configured.
        </p>
      )}
      {children}
    </div>
  );
}
