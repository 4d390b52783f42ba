import type { AuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { recordAuditEvent } from '../audit';
import { redeemSignInTicket, revokeSession } from '../auth';
import { getDb } from '../db';
import { getEnv } from '../env';
import { securityPolicy } from '../security/policy';
import { requestMeta } from './request-meta';

declare module 'next-auth' {
  interface Session {
    /** Server-side session id; every request re-checks that this session is live. */
    sid: string;
    userId: string;
  }
  interface User {
    sessionId: string;
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    sid?: string;
  }
}

function headersFrom(raw: Record<string, string | string[] | undefined> | undefined): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) headers.set(name, value.join(', '));
  }
  return headers;
}

/**
 * next-auth carries only the user id and a server-side session id in its JWT; the Session row
 * decides whether the sign-in is still live (revocation, idle and absolute expiry).
 */
export function buildAuthOptions(): AuthOptions {
  const env = getEnv();
  return {
    secret: env.secrets.AUTH_SECRET,
    session: { strategy: 'jwt', maxAge: securityPolicy().session.absoluteLifetimeSeconds },
    pages: { signIn: '/sign-in', error: '/sign-in' },
    useSecureCookies: env.APP_URL.startsWith('https://') || env.SECURE_COOKIES,
    providers: [
      CredentialsProvider({
        // Only tickets from the two-step sign-in (src/server/auth/sign-in.ts) are accepted here:
        // passwords and codes never reach next-auth, so its endpoint cannot bypass the limits.
        name: 'Licensor sign-in ticket',
        credentials: { ticket: { label: 'Ticket', type: 'text' } },
        async authorize(credentials, req) {
          const ticket = credentials?.ticket;
          if (typeof ticket !== 'string' || ticket.length < 20 || ticket.length > 100) return null;
          const db = await getDb();
          const redeemed = await redeemSignInTicket(db, ticket, requestMeta(headersFrom(req.headers), env.TRUST_PROXY));
          if (!redeemed) return null;
          return { id: redeemed.user.id, email: redeemed.user.email, name: redeemed.user.name, sessionId: redeemed.sessionId };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.sid = user.sessionId;
        }
        return token;
      },
      session({ session, token }) {
        return { ...session, sid: token.sid ?? '', userId: token.sub ?? '' };
      },
    },
    events: {
      async signOut({ token }) {
        if (!token?.sid) return;
        const db = await getDb();
        await db.$transaction(async (tx) => {
          await revokeSession(tx, token.sid as string, 'sign_out');
          if (token.sub) {
            await recordAuditEvent(tx, {
              actor: { type: 'user', id: token.sub },
              action: 'auth.sign_out',
              target: { type: 'session', id: token.sid as string },
            });
          }
        });
      },
    },
  };
}
