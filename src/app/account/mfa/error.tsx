'use client';

import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';

export default function MfaError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="max-w-2xl">
      <h1 className="text-2xl font-semibold text-slate-900">Two-factor authentication</h1>
      <Card className="mt-6">
        <p role="alert" className="text-sm text-red-700">
          We could not load your two-factor authentication settings. Nothing was changed.
        </p>
        <Button variant="secondary" className="mt-4" onClick={reset}>
          Try again
        </Button>
      </Card>
    </div>
  );
}
