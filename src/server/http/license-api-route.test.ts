import { describe, expect, it } from 'vitest';
import * as activate from '@/app/api/v1/licenses/activate/route';
import * as deactivate from '@/app/api/v1/licenses/deactivate/route';
import * as publicKey from '@/app/api/v1/licenses/public-key/route';
import * as validate from '@/app/api/v1/licenses/validate/route';
import * as usage from '@/app/api/v1/usage/route';
import * as unknown from '@/app/api/v1/[...path]/route';

describe('methods an endpoint does not serve (PROTOCOL.md: 405 with Allow)', () => {
  it.each([
    ['validate', validate, 'POST'],
    ['activate', activate, 'POST'],
    ['deactivate', deactivate, 'POST'],
    ['usage', usage, 'POST'],
  ] as const)('%s answers GET, PUT, PATCH, DELETE and OPTIONS with 405 and Allow: POST', async (_name, route, allow) => {
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const) {
      const response = (route as unknown as Record<string, () => Response>)[method]!();
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe(allow);
      expect(await response.json()).toEqual({ error: 'METHOD_NOT_ALLOWED', message: expect.any(String) });
    }
  });

  it('public-key answers only GET', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const) {
      const response = (publicKey as unknown as Record<string, () => Response>)[method]!();
      expect([response.status, response.headers.get('allow')]).toEqual([405, 'GET']);
    }
  });

  it('an unknown path under /api/v1 is 404 NOT_FOUND', async () => {
    const response = unknown.GET();
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'NOT_FOUND', message: expect.any(String) });
  });
});
