import { generate, generateSecret, stringToBytes } from 'otplib';
import { describe, expect, it } from 'vitest';
import { formatBackupCode, matchTotpStep, normaliseBackupCode, totpOptions } from './mfa';

// RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
const RFC_SEED = '12345678901234567890';
const RFC_SEED_BASE32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RFC_SHA1_VECTORS: [epochSeconds: number, code: string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP configuration', () => {
  it('is SHA-1, 6 digits, 30-second steps (RFC 6238 defaults)', () => {
    expect(totpOptions()).toEqual({ algorithm: 'sha1', digits: 6, period: 30 });
  });

  it.each(RFC_SHA1_VECTORS)('generates the RFC 6238 SHA-1 vector at T=%i', async (epoch, code) => {
    expect(await generate({ ...totpOptions(), digits: 8, secret: stringToBytes(RFC_SEED), epoch })).toBe(code);
  });

  it.each(RFC_SHA1_VECTORS)('accepts the 6-digit form of the RFC vector at T=%i through the module check', async (epoch, code) => {
    // A 6-digit HOTP value is the 8-digit one modulo 10^6 (RFC 4226 section 5.3).
    const step = await matchTotpStep(RFC_SEED_BASE32, code.slice(-6), { now: new Date(epoch * 1000) });
    expect(step).toBe(Math.floor(epoch / 30));
  });
});

describe('matchTotpStep', () => {
  const secret = generateSecret({ length: 20 });
  const now = new Date(Date.UTC(2026, 0, 15, 12, 0, 10));
  const codeAt = (stepsFromNow: number) => generate({ ...totpOptions(), secret, epoch: Math.floor(now.getTime() / 1000) + stepsFromNow * 30 });
  const currentStep = Math.floor(now.getTime() / 1000 / 30);

  it.each([-1, 0, 1])('accepts a code %i step(s) away and names its step', async (offset) => {
    expect(await matchTotpStep(secret, await codeAt(offset), { now })).toBe(currentStep + offset);
  });

  it.each([-2, 2])('refuses a code %i steps away', async (offset) => {
    expect(await matchTotpStep(secret, await codeAt(offset), { now })).toBeNull();
  });

  it('refuses a step at or before the last accepted one (replay)', async () => {
    const code = await codeAt(0);
    expect(await matchTotpStep(secret, code, { now, afterStep: BigInt(currentStep) })).toBeNull();
    expect(await matchTotpStep(secret, code, { now, afterStep: BigInt(currentStep - 1) })).toBe(currentStep);
  });

  it('refuses every code, without throwing, when the last accepted step lies beyond the window', async () => {
    expect(await matchTotpStep(secret, await codeAt(1), { now, afterStep: BigInt(currentStep + 1) })).toBeNull();
    expect(await matchTotpStep(secret, await codeAt(1), { now, afterStep: BigInt(currentStep + 5) })).toBeNull();
  });

  it('ignores spaces as authenticator apps show them, and refuses malformed codes without throwing', async () => {
    const code = await codeAt(0);
    expect(await matchTotpStep(secret, `${code.slice(0, 3)} ${code.slice(3)}`, { now })).toBe(currentStep);
    for (const malformed of ['', '12345', '1234567', 'abcdef', `${code}0`]) {
      expect(await matchTotpStep(secret, malformed, { now })).toBeNull();
    }
  });
});

describe('backup code format', () => {
  it('shows codes as two dashed halves and reads them back however they are typed', () => {
    expect(formatBackupCode('ABCDEFGH')).toBe('ABCD-EFGH');
    expect(normaliseBackupCode('abcd-efgh')).toBe('ABCDEFGH');
    expect(normaliseBackupCode(' ABCD EFGH ')).toBe('ABCDEFGH');
  });

  it('refuses wrong lengths and the ambiguous characters 0, O, 1, I and L', () => {
    for (const input of ['ABCD-EFG', 'ABCD-EFGHJ', 'ABCD-EFG0', 'ABCD-EFGO', 'ABCD-EFG1', 'ABCD-EFGI', 'ABCD-EFGL', 'ABCD_EFGH']) {
      expect(normaliseBackupCode(input)).toBeNull();
    }
  });
});
