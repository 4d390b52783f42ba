export { recordAuditEvent, verifyAuditChain, hashAuditEvent, canonicalJson, GENESIS_HASH } from './chain';
export type { AuditActor, AuditEventInput, AuditChainReport } from './chain';
export { redactSecrets, maskLicenseKey, REDACTED } from './redact';
