'use client';

import { useMutation } from '@tanstack/react-query';
import { FormError } from '@/components/form-feedback';
import { Button } from '@/components/ui/button';
import { errorMessage, useTRPC } from '@/lib/trpc/client';

/** Starts Stripe Checkout for the plan and sends the browser there. */
export function SubscribeButton({ planId, planName }: { planId: string; planName: string }) {
  const trpc = useTRPC();
  const subscribe = useMutation(trpc.billing.subscribe.mutationOptions({ onSuccess: ({ url }) => window.location.assign(url) }));
  return (
    <div className="space-y-2">
      <Button aria-label={`Subscribe to ${planName}`} pending={subscribe.isPending || subscribe.isSuccess} onClick={() => subscribe.mutate({ planId })}>
        Subscribe
      </Button>
      <FormError message={subscribe.isError ? errorMessage(subscribe.error) : null} />
    </div>
  );
}

/** Opens Stripe's Billing Portal: payment methods, invoices, plan changes and cancellation. */
export function ManageBillingButton() {
  const trpc = useTRPC();
  const manage = useMutation(trpc.billing.manageBilling.mutationOptions({ onSuccess: ({ url }) => window.location.assign(url) }));
  return (
    <div className="space-y-2">
      <Button variant="secondary" pending={manage.isPending || manage.isSuccess} onClick={() => manage.mutate()}>
        Manage billing
      </Button>
      <FormError message={manage.isError ? errorMessage(manage.error) : null} />
    </div>
  );
}
