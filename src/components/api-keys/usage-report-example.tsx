import { CopyButton } from '@/components/copy-button';

/** The shell command a customer's script runs to report usage with a key (PROTOCOL.md section 4). */
export function UsageReportExample({ usageUrl }: { usageUrl: string }) {
  const command = [
    `curl -X POST ${usageUrl} \\`,
    '  -H "Authorization: Bearer $LICENSOR_API_KEY" \\',
    '  -H "Content-Type: application/json" \\',
    `  -d '{"metric": "api.calls", "quantity": 1, "idempotencyKey": "run-2025-03-01-0001"}'`,
  ].join('\n');
  return (
    <div className="space-y-2 text-left">
      <p className="text-sm text-slate-600">
        Report usage with a key that has the <code className="font-mono">usage:write</code> scope. The answer is <code className="font-mono">202</code>; the same{' '}
        <code className="font-mono">idempotencyKey</code> is counted once.
      </p>
      <div className="flex items-start gap-2">
        <pre className="min-w-0 flex-1 overflow-x-auto rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100">{command}</pre>
        <CopyButton value={command} label="Example command" />
      </div>
    </div>
  );
}
