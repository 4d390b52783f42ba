import type { NextRequest } from 'next/server';
import NextAuth from 'next-auth';
import { buildAuthOptions } from '@/server/http/auth-options';

type RouteContext = { params: Promise<{ nextauth: string[] }> };

function handler(req: NextRequest, context: RouteContext) {
  return NextAuth(req as never, context as never, buildAuthOptions());
}

export { handler as GET, handler as POST };
