import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Toaster } from 'sonner';
import { TRPCReactProvider } from '@/lib/trpc/client';
import './globals.css';

// Every page reads the database or the session: none is prerendered at build time.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: { default: 'Licensor', template: '%s · Licensor' },
  description: 'License and billing console',
  icons: { icon: '/favicon.svg' },
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <TRPCReactProvider>{children}</TRPCReactProvider>
        <Toaster position="top-right" richColors closeButton />
      </body>
    </html>
  );
}
