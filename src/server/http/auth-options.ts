import type { AuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { recordAuditEvent } from '../audit';
import { authenticateWithPassword, createSession, revokeSession } from '../auth';
import { getDb } from '../db';
import { getEnv } from '../env';
import { securityPolicy } from '../security/policy';
import { SignInInput } from '@/lib/schemas/auth';
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
        name: 'Email and password',
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
        async authorize(credentials, req) {
          const parsed = SignInInput.safeParse({ email: credentials?.email, password: credentials?.password });
          if (!parsed.success) return null;
          const db = await getDb();
          const meta = requestMeta(headersFrom(req.headers), env.TRUST_PROXY);
          const user = await authenticateWithPassword(db, parsed.data.email, parsed.data.password);
          const session = await db.$transaction(async (tx) => {
            await tx.signInAttempt.create({
              data: { email: parsed.data.email, userId: user?.id ?? null, ip: meta.ip, success: user !== null, reason: user ? null : 'bad_credentials' },
            });
            if (!user) {
              await recordAuditEvent(tx, {
                actor: { type: 'system' },
                action: 'auth.sign_in_failed',
                ip: meta.ip,
                userAgent: meta.userAgent,
                severity: 'WARNING',
                metadata: { email: parsed.data.email },
              });
              return null;
            }
            const created = await createSession(tx, { userId: user.id, ip: meta.ip, userAgent: meta.userAgent });
            await recordAuditEvent(tx, {
              actor: { type: 'user', id: user.id, label: user.email },
              action: 'auth.sign_in',
              target: { type: 'session', id: created.id },
              customerId: user.customerId,
              ip: meta.ip,
              userAgent: meta.userAgent,
            });
            return created;
          });
          if (!user || !session) return null;
          return { id: user.id, email: user.email, name: user.name, sessionId: session.id };
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
