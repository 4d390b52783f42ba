/** The placeholder of a page while the server renders it: announced, with the page's rough shape. */
export function PageLoading({ label, blocks = 2 }: { label: string; blocks?: number }) {
  return (
    <div aria-busy="true" className="space-y-6">
      <p className="sr-only" role="status">
        {label}
      </p>
      <div className="h-8 w-64 animate-pulse rounded bg-slate-200" />
      {Array.from({ length: blocks }, (_, index) => (
        <div key={index} className="h-48 animate-pulse rounded-lg bg-slate-100" />
      ))}
    </div>
  );
}
