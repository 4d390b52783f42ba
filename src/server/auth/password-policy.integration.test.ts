import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { describeWithDatabase, uniqueEmail } from '../../../tests/helpers';
import { generateStrongPassword } from '@/lib/password-rules';
import { COMMON_PASSWORD_PROBLEM } from '@/lib/password-strength';
import { getDb } from '../db';
import { securityPolicy } from '../security/policy';
import { assertAcceptablePassword, isBreachedPassword, recordPasswordInHistory, type BreachCheckSettings } from './password-policy';
import { hashPassword } from './passwords';
import { createUser } from './users';

const sha1 = (password: string) => createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();

const BREACHED = 'Correct-Horse-Battery-9';
const PADDED = 'Quiet-Lantern-Orchard-7';
const UNLISTED = 'Velvet-Compass-Harbour-4';

/**
 * A stand-in for the Have I Been Pwned range API on 127.0.0.1: `/range/<prefix>` lists BREACHED
 * with a count, PADDED's suffix with the count 0 that padding uses, and filler lines; under
 * `/silent` it never answers and under `/broken` it answers 503.
 */
class RangeApi {
  readonly requests: { url: string; addPadding: string | undefined }[] = [];
  private server: Server | undefined;
  private baseUrl = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const url = request.url ?? '';
      this.requests.push({ url, addPadding: request.headers['add-padding'] as string | undefined });
      if (url.startsWith('/silent/')) return;
      if (url.startsWith('/broken/')) {
        response.writeHead(503).end();
        return;
      }
      const prefix = /^\/range\/([0-9A-F]{5})$/.exec(url)?.[1];
      if (!prefix) {
        response.writeHead(404).end();
        return;
      }
      const lines = [`${'0'.repeat(35)}:0`, `${'F'.repeat(35)}:3`];
      if (sha1(BREACHED).startsWith(prefix)) lines.push(`${sha1(BREACHED).slice(5)}:42`);
      if (sha1(PADDED).startsWith(prefix)) lines.push(`${sha1(PADDED).slice(5)}:0`);
      response.writeHead(200, { 'content-type': 'text/plain' }).end(lines.join('\r\n'));
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  settings(overrides: Partial<BreachCheckSettings> & { path?: string } = {}): BreachCheckSettings {
    const { path = '', ...rest } = overrides;
    return { enabled: true, apiUrl: `${this.baseUrl}${path}`, timeoutMs: 2000, ...rest };
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

const withoutBreachCheck = () => {
  const policy = securityPolicy().password;
  return { ...policy, breachCheck: { ...policy.breachCheck, enabled: false } };
};

describeWithDatabase('assertAcceptablePassword', () => {
  it('refuses each of the last 12 passwords of the user and accepts the 13th-oldest again', async () => {
    const db = await getDb();
    const email = uniqueEmail('history');
    const passwords = Array.from({ length: 13 }, () => generateStrongPassword());
    const user = await createUser(db, { email, name: 'History', role: 'CUSTOMER', password: passwords[0]! }, { type: 'system' });
    for (const password of passwords.slice(1)) await recordPasswordInHistory(db, user.id, await hashPassword(password));
    expect(await db.passwordHistory.count({ where: { userId: user.id } })).toBe(12);

    const policy = withoutBreachCheck();
    for (const password of passwords.slice(1)) {
      await expect(assertAcceptablePassword(db, { password, email, name: 'History', userId: user.id }, policy)).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: 'Choose a password you have not used for your last 12 passwords.',
        details: { field: 'password' },
      });
    }
    await expect(assertAcceptablePassword(db, { password: passwords[0]!, email, name: 'History', userId: user.id }, policy)).resolves.toBeUndefined();
    // History belongs to its user: another account may pick the same password.
    const other = await createUser(db, { email: uniqueEmail('other'), name: 'Other', role: 'CUSTOMER', password: generateStrongPassword() }, { type: 'system' });
    await expect(assertAcceptablePassword(db, { password: passwords[12]!, userId: other.id }, policy)).resolves.toBeUndefined();
  });

  it('refuses a password from the common list even when it passes the local rules', async () => {
    const db = await getDb();
    await expect(assertAcceptablePassword(db, { password: 'P030710p$e4o' }, withoutBreachCheck())).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: COMMON_PASSWORD_PROBLEM,
      details: { field: 'password' },
    });
  });

  it('refuses a zxcvbn score below 3, with its warning or suggestions', async () => {
    const db = await getDb();
    await expect(assertAcceptablePassword(db, { password: 'Monkey-Dragon-1!' }, withoutBreachCheck())).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'This password is too easy to guess. Add more words that are less common.',
    });
  });

  it("refuses the user's email, the part before the @, and their name", async () => {
    const db = await getDb();
    const user = { email: 'ada.lovelace@example.test', name: 'Augusta Byron' };
    const refusals = {
      'Battery-9-Ada.Lovelace@example.test': 'Leave out your email address.',
      'Battery-9-Ada.Lovelace': 'Leave out the part of your email address before the @.',
      'Battery-9-Augusta-Horse': 'Leave out your name.',
    };
    for (const [password, message] of Object.entries(refusals)) {
      await expect(assertAcceptablePassword(db, { password, ...user }, withoutBreachCheck())).rejects.toMatchObject({ code: 'BAD_REQUEST', message });
    }
  });

  it('applies the character classes as configured and reports every local problem at once', async () => {
    const db = await getDb();
    const passphrase = 'correct horse battery staple';
    await expect(assertAcceptablePassword(db, { password: passphrase }, withoutBreachCheck())).rejects.toMatchObject({
      message: 'Add an uppercase letter. Add a digit.',
    });
    await expect(
      assertAcceptablePassword(db, { password: passphrase }, { ...withoutBreachCheck(), requireCharacterClasses: false }),
    ).resolves.toBeUndefined();
  });

  it('makes createUser refuse a weak password before creating anything', async () => {
    const db = await getDb();
    const email = uniqueEmail('weak');
    await expect(createUser(db, { email, name: 'Weak', role: 'CUSTOMER', password: 'a long enough password' }, { type: 'system' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      details: { field: 'password' },
    });
    expect(await db.user.count({ where: { email } })).toBe(0);
  });

  describe('with the breach check against a local range API', () => {
    const api = new RangeApi();
    beforeAll(() => api.start());
    afterAll(() => api.stop());

    it('refuses a breached password and accepts the others', async () => {
      const db = await getDb();
      const policy = { ...withoutBreachCheck(), breachCheck: api.settings() };
      await expect(assertAcceptablePassword(db, { password: BREACHED }, policy)).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: 'This password has appeared in a data breach. Choose another.',
        details: { field: 'password' },
      });
      await expect(assertAcceptablePassword(db, { password: UNLISTED }, policy)).resolves.toBeUndefined();
    });
  });
});

describe('isBreachedPassword', () => {
  const api = new RangeApi();
  let warn: ReturnType<typeof vi.spyOn>;
  beforeAll(() => api.start());
  afterAll(() => api.stop());
  beforeEach(() => {
    api.requests.length = 0;
    warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('sends only the first 5 hex digits of the SHA-1, asking for padding', async () => {
    expect(await isBreachedPassword(BREACHED, api.settings())).toBe(true);
    expect(api.requests).toEqual([{ url: `/range/${sha1(BREACHED).slice(0, 5)}`, addPadding: 'true' }]);
    expect(api.requests[0]!.url).not.toContain(sha1(BREACHED).slice(5, 10));
  });

  it('answers true only for a listed suffix with a count above 0', async () => {
    expect(await isBreachedPassword(BREACHED, api.settings())).toBe(true);
    expect(await isBreachedPassword(UNLISTED, api.settings())).toBe(false);
    expect(await isBreachedPassword(PADDED, api.settings())).toBe(false);
    expect(warn).not.toHaveBeenCalled();
  });

  it('fails open after the timeout when the API never answers, and says so in the log without the password', async () => {
    const started = performance.now();
    expect(await isBreachedPassword(BREACHED, api.settings({ path: '/silent', timeoutMs: 200 }))).toBe(false);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2000);
    expect(api.requests).toHaveLength(1);
    expect(warn).toHaveBeenCalledTimes(1);
    const logged = String(warn.mock.calls[0]![0]);
    expect(logged).toContain('no answer within 200 ms');
    expect(logged).not.toContain(BREACHED);
    expect(logged.toUpperCase()).not.toContain(sha1(BREACHED).slice(0, 5));
  });

  it('fails open, with a warning, when the API answers an error or cannot be reached', async () => {
    expect(await isBreachedPassword(BREACHED, api.settings({ path: '/broken' }))).toBe(false);
    expect(String(warn.mock.calls[0]![0])).toContain('HTTP 503');
    expect(await isBreachedPassword(BREACHED, { enabled: true, apiUrl: 'http://127.0.0.1:1', timeoutMs: 2000 })).toBe(false);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('asks nothing when disabled', async () => {
    expect(await isBreachedPassword(BREACHED, api.settings({ enabled: false }))).toBe(false);
    expect(api.requests).toHaveLength(0);
    expect(warn).not.toHaveBeenCalled();
  });
});
