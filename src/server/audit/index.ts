export { recordAuditEvent, verifyAuditChain, hashAuditEvent, canonicalJson, GENESIS_HASH } from './chain';
export type { AuditActor, AuditEventInput, AuditChainReport } from './chain';
export { redactSecrets, maskLicenseKey, REDACTED } from './redact';
export {
  checkpointChainHead,
  checkpointIfDue,
  checkpointsFromExport,
  CheckpointExport,
  exportCheckpoints,
  parsePublicKey,
  verifyCheckpointsAgainstTable,
} from './checkpoints';
export type { CheckpointReport } from './checkpoints';
export { verifyAuditIntegrity } from './integrity';
export type { AuditIntegrityReport } from './integrity';
export { applyAuditRetention } from './retention';
export { auditEventsPerDay, getAuditEvent, listAuditEvents, listCustomerActivity, refreshAuditRollup } from './explorer';
export type { AuditEventPage, AuditEventView, CustomerActivityItem, EventsPerDay } from './explorer';
