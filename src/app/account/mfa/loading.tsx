export default function MfaLoading() {
  return (
    <div aria-busy="true" className="max-w-2xl space-y-4">
      <p className="sr-only" role="status">
        Loading two-factor authentication settings…
      </p>
      <div className="h-8 w-72 animate-pulse rounded bg-slate-200" />
      <div className="h-64 animate-pulse rounded-lg bg-slate-100" />
    </div>
  );
}
