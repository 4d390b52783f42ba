import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { describe, expect, it } from 'vitest';
import type { Db } from '../db';
import { AppError } from '../errors';
import { appRouter } from '../routers/root';
import type { TRPCContext } from './context';

const meta = { ip: '192.0.2.1', userAgent: 'vitest', requestId: 'errors' };

/** A database whose every call fails the way a driver error would, SQL text and all. */
function failingDb(error: Error): Db {
  return new Proxy({} as Db, {
    get: () =>
      new Proxy(() => {}, {
        get: () => () => Promise.reject(error),
        apply: () => Promise.reject(error),
      }),
  });
}

async function callOverHttp(path: string, ctx: TRPCContext, body?: unknown) {
  const request = new Request(`http://localhost/api/trpc/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify({ json: body }),
  });
  const response = await fetchRequestHandler({ endpoint: '/api/trpc', req: request, router: appRouter, createContext: () => ctx, onError: () => {} });
  return { status: response.status, text: await response.text() };
}

describe('tRPC error responses', () => {
  it('return zod problems as field errors, with a 400', async () => {
    const { status, text } = await callOverHttp('setup.createFirstAdmin', { db: failingDb(new Error('unused')), session: null, meta }, {
      name: '',
      email: 'not-an-email',
      password: 'short',
    });
    expect(status).toBe(400);
    const fieldErrors = JSON.parse(text).error.json.data.fieldErrors;
    expect(Object.keys(fieldErrors).sort()).toEqual(['email', 'name', 'password']);
    expect(fieldErrors.password[0]).toContain('at least 12 characters');
  });

  it('never leak SQL, Prisma messages or stack traces from unexpected failures', async () => {
    const leaky = new Error('Invalid `prisma.installation.findUnique()` invocation: relation "Installation" ... SELECT * FROM secret_table');
    const originalError = console.error;
    console.error = () => {};
    try {
      const { status, text } = await callOverHttp('setup.status', { db: failingDb(leaky), session: null, meta });
      expect(status).toBe(500);
      expect(text).toContain('Something went wrong');
      for (const secret of ['prisma', 'SELECT', 'secret_table', 'stack', '.ts:']) expect(text).not.toContain(secret);
    } finally {
      console.error = originalError;
    }
  });

  it('translate domain errors into their tRPC code with the safe message', async () => {
    const conflict = new AppError('CONFLICT', 'Setup is already complete. Sign in instead.');
    const { status, text } = await callOverHttp('setup.status', { db: failingDb(conflict), session: null, meta });
    expect(status).toBe(409);
    const data = JSON.parse(text).error.json;
    expect(data.message).toBe('Setup is already complete. Sign in instead.');
    expect(data.data.appCode).toBe('CONFLICT');
  });

  it('answer 401 to the anonymous and 403 to the wrong role', async () => {
    expect((await callOverHttp('dashboard.summary', { db: failingDb(new Error('unused')), session: null, meta })).status).toBe(401);
    const customer = { id: 's', mfaVerifiedAt: null, user: { id: 'u', email: 'c@example.test', name: 'C', role: 'CUSTOMER' as const, customerId: 'c', mfaEnabled: false } };
    expect((await callOverHttp('dashboard.summary', { db: failingDb(new Error('unused')), session: customer, meta })).status).toBe(403);
  });
});
