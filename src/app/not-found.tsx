import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-2 px-4 text-center">
      <h1 className="text-2xl font-semibold text-slate-900">Page not found</h1>
      <p className="text-sm text-slate-600">The page does not exist, or it is no longer available.</p>
      <Link href="/" className="mt-4 text-sm font-semibold text-indigo-700 hover:underline">
        Go to Licensor
      </Link>
    </main>
  );
}
