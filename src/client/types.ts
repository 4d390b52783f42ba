/** Response shapes of PROTOCOL.md section 4, as a panel sees them. */

export type LicenseStatus = 'ACTIVE' | 'SUSPENDED' | 'REVOKED' | 'EXPIRED' | 'OVERDUE';

export type LicenseSummary = {
  id: string;
  status: LicenseStatus;
  expiresAt: string | null;
  features: string[];
  maxMachines: number | null;
  activeMachines: number;
};

/** The validate codes of section 4; a newer server may add codes (section 8), hence the open string. */
export type ServerValidationCode =
  | 'VALID'
  | 'NOT_FOUND'
  | 'REVOKED'
  | 'SUSPENDED'
  | 'EXPIRED'
  | 'OVERDUE'
  | 'FLAGGED'
  | 'FINGERPRINT_MISMATCH'
  | 'TOO_MANY_MACHINES'
  | 'FEATURE_NOT_ENTITLED'
  | 'QUOTA_EXCEEDED'
  | (string & {});

/** Codes this client gives itself when it answers from the offline cache. */
export type OfflineValidationCode = 'OFFLINE_GRACE_EXPIRED' | 'UNREACHABLE';

export type ValidateResult = {
  /** True exactly when code is VALID. */
  valid: boolean;
  code: ServerValidationCode | OfflineValidationCode;
  detail: string;
  license?: LicenseSummary;
  /** The offline token (section 5), present when valid. */
  token?: string;
  /** When to validate online again, present when valid. */
  nextCheckAt?: string;
  /** True when the server could not be reached and the answer comes from the cached token. */
  offline: boolean;
  /** Offline answers from a genuine cached token: when that token (and so the offline grace) expires. */
  offlineUntil?: string;
};

export type MachineSummary = { id: string; fingerprint: string };

export type ActivateResult = {
  code: 'ACTIVATED' | 'ALREADY_ACTIVE';
  machine: MachineSummary & { activatedAt: string };
  license: LicenseSummary;
};

export type DeactivateResult = {
  deactivated: true;
  machine: MachineSummary & { deactivatedAt: string };
};

/** GET /api/v1/licenses/public-key (section 3). */
export type PublicKeyDocument = {
  algorithm: 'Ed25519';
  keyId: string;
  publicKeyPem: string;
  jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; use: 'sig'; alg: 'EdDSA' };
};
