import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { maskLicenseKey, REDACTED, redactSecrets, storableText } from './redact';

// PROTOCOL.md section 9's example key.
const LICENSE_KEY = 'LK-01234-56789-ABCDE-FGHJK-MNP5D';
const API_KEY = `lk_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const PEM = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('redactSecrets by key name', () => {
  it.each([
    ['password', 'correct horse battery staple'],
    ['newPassword', 'Tr0ub4dor&3-but-longer'],
    ['current_password', 'x'],
    ['passphrase', 'open sesame'],
    ['token', 'abc'],
    ['resetToken', 'abc'],
    ['refresh_token', 'abc'],
    ['apiKey', 'short'],
    ['api_key', 'short'],
    ['X-Api-Key', 'short'],
    ['signingSecret', 'short'],
    ['Authorization', 'Basic dXNlcjpwYXNz'],
    ['cookie', 'sid=1'],
    ['privateKey', 'short'],
    ['credentials', 'short'],
    ['signature', 'abc'],
    ['backupCode', '1234-5678'],
    ['totpCode', '123456'],
    ['code', '123456'],
    ['otp', '123456'],
    ['pin', '0000'],
  ])('redacts %s', (key, value) => {
    expect(redactSecrets({ [key]: value })).toEqual({ [key]: REDACTED });
  });

  it('redacts non-string values under a secret name as a whole (objects, arrays, numbers)', () => {
    expect(
      redactSecrets({
        credentials: { user: 'alice', pass: 'x' },
        tokens: ['a', 'b'],
        pin: 1234,
      }),
    ).toEqual({ credentials: REDACTED, tokens: REDACTED, pin: REDACTED });
  });

  it('redacts at any depth, inside nested objects and arrays', () => {
    const out = redactSecrets({
      user: { email: 'a@example.test', auth: { password: 'hunter22hunter22', mfa: { totpCode: '123456' } } },
      keys: [{ name: 'ci', apiKey: 'k1' }, { name: 'deploy', apiKey: 'k2' }],
      matrix: [[{ token: 't' }]],
    });
    expect(out).toEqual({
      user: { email: 'a@example.test', auth: { password: REDACTED, mfa: { totpCode: REDACTED } } },
      keys: [
        { name: 'ci', apiKey: REDACTED },
        { name: 'deploy', apiKey: REDACTED },
      ],
      matrix: [[{ token: REDACTED }]],
    });
  });

  it('keeps null and drops undefined rather than inventing a redaction', () => {
    const out = redactSecrets({ code: undefined, password: null, token: undefined });
    expect(out).toEqual({ password: null });
    expect('code' in out).toBe(false);
  });

  it('does not redact fields whose names merely contain a short secret word', () => {
    const metadata = {
      footprint: 'machine-01', // contains "otp"
      fingerprint: 'machine-01',
      shipping: 'express', // contains "pin"
      countryCode: 'FR', // "code" only as a whole name
      errorCode: 'LICENSE_EXPIRED',
      keyLast4: 'NP5D',
      tokenCount: undefined,
      description: 'rotated the signing secret',
      email: 'someone@example.test',
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
      count: 3,
      enabled: false,
      id: '0196b0b2-7c1e-7000-8000-00000000abcd',
      features: ['sso', 'audit-export'],
      quotas: { 'api.calls': 10000 },
    };
    const { tokenCount: _dropped, ...expected } = metadata;
    expect(redactSecrets(metadata)).toEqual(expected);
  });
});

describe('redactSecrets by value shape', () => {
  it.each([
    ['a Licensor API key', API_KEY],
    ['a JWT', JWT],
    ['a PEM private key', PEM],
    ['a PEM private key with escaped newlines', PEM.replace(/\n/g, '\\n')],
    ['a Stripe secret key', 'sk_live_51Habcdefghijklmnop'],
    ['a Stripe webhook secret', 'whsec_abcdefghijklmnop'],
    ['a long base64url secret', randomBytes(32).toString('base64url')],
    ['a long base64 secret', randomBytes(32).toString('base64')],
    ['a long hex secret', randomBytes(32).toString('hex')],
  ])('redacts %s under an innocent name', (_label, value) => {
    expect(redactSecrets({ note: value, list: [value] })).toEqual({ note: REDACTED, list: [REDACTED] });
  });

  it.each([
    ['a Licensor API key', API_KEY],
    ['a JWT', JWT],
    ['a Stripe secret key', 'sk_test_51Habcdefghijklmnop'],
  ])('removes %s embedded in a longer message', (_label, secret) => {
    const out = redactSecrets({ reason: `rejected ${secret} from 203.0.113.7` }) as { reason: string };
    expect(out.reason).not.toContain(secret);
    expect(out.reason).toBe(`rejected ${REDACTED} from 203.0.113.7`);
  });

  it('leaves short or structured strings alone', () => {
    const values = {
      a: 'license.suspend',
      b: 'https://licensor.example.com/admin/licenses?status=ACTIVE',
      c: 'lk_', // a prefix alone is no key
      d: 'eyJ', // nor is a JWT's first bytes
      e: 'a'.repeat(39),
      f: 'Two words that together are longer than forty characters in all',
    };
    expect(redactSecrets(values)).toEqual(values);
  });
});

describe('license keys', () => {
  it('masks a license key to its last four characters', () => {
    expect(maskLicenseKey(LICENSE_KEY)).toBe('…NP5D');
    expect(maskLicenseKey(`  ${LICENSE_KEY}\n`)).toBe('…NP5D');
  });

  it('masks a value named licenseKey, whatever its shape', () => {
    expect(redactSecrets({ licenseKey: LICENSE_KEY, license_key: 'not-a-real-key-1234' })).toEqual({
      licenseKey: '…NP5D',
      license_key: '…1234',
    });
  });

  it('masks a key-shaped value under any name, in arrays, and in lower case', () => {
    const out = redactSecrets({
      key: LICENSE_KEY,
      keys: [LICENSE_KEY, 'ACME-ZZZZZ-YYYYY-XXXXX-WWWWW-VVV42'],
      lower: LICENSE_KEY.toLowerCase(),
    });
    expect(out).toEqual({ key: '…NP5D', keys: ['…NP5D', '…VV42'], lower: '…np5d' });
    expect(JSON.stringify(out)).not.toMatch(/01234/);
  });

  it('masks a license key embedded in a longer message', () => {
    const out = redactSecrets({ reason: `license ${LICENSE_KEY} suspended for abuse` });
    expect(out).toEqual({ reason: 'license …NP5D suspended for abuse' });
  });

  it('keeps a null license key null', () => {
    expect(redactSecrets({ licenseKey: null })).toEqual({ licenseKey: null });
  });
});

describe('JSON safety', () => {
  it('turns bigints and dates into strings and drops functions', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    expect(redactSecrets({ big: 12345678901234567890n, at, nested: { at }, fn: () => 1 })).toEqual({
      big: '12345678901234567890',
      at: '2026-01-02T03:04:05.678Z',
      nested: { at: '2026-01-02T03:04:05.678Z' },
    });
  });

  it('cuts off pathological nesting instead of recursing forever', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i += 1) deep = { child: deep };
    expect(JSON.stringify(redactSecrets(deep))).toContain('[TRUNCATED]');
  });

  it('does not modify its input', () => {
    const input = { password: 'p', nested: { token: 't' } };
    redactSecrets(input);
    expect(input).toEqual({ password: 'p', nested: { token: 't' } });
  });
});

describe('storable text', () => {
  it('replaces NUL and lone surrogates, which PostgreSQL cannot store, and keeps real pairs', () => {
    expect(storableText('a\u0000b')).toBe('a\ufffdb');
    expect(storableText('x\ud83d')).toBe('x\ufffd');
    expect(storableText('\ude00x')).toBe('\ufffdx');
    expect(storableText('\ude00\ud83d')).toBe('\ufffd\ufffd');
    expect(storableText('ok 😀 é 中')).toBe('ok 😀 é 中');
  });

  it('applies to metadata values and keys, and to masked license keys', () => {
    expect(redactSecrets({ 'k\u0000': 'v\ud800', list: ['\udc00'] })).toEqual({ 'k\ufffd': 'v\ufffd', list: ['\ufffd'] });
    // The last four code units of this value start with the second half of the emoji.
    expect(redactSecrets({ licenseKey: 'a😀bcd' })).toEqual({ licenseKey: '…\ufffdbcd' });
  });
});
