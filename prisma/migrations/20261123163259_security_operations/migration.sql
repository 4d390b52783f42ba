-- AlterTable
ALTER TABLE "SecurityAlert" ADD COLUMN     "deliveryError" TEXT,
ADD COLUMN     "emailedAt" TIMESTAMP(3),
ADD COLUMN     "webhookDeliveredAt" TIMESTAMP(3);

-- Signed checkpoints are append-only too: retention removes events, never checkpoints, and no
-- one may quietly drop the checkpoint that would expose a rewritten table.
CREATE OR REPLACE FUNCTION licensor_audit_checkpoint_guard() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit checkpoints are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_checkpoint_append_only
  BEFORE UPDATE OR DELETE ON "AuditCheckpoint"
  FOR EACH ROW EXECUTE FUNCTION licensor_audit_checkpoint_guard();

CREATE TRIGGER audit_checkpoint_no_truncate
  BEFORE TRUNCATE ON "AuditCheckpoint"
  FOR EACH STATEMENT EXECUTE FUNCTION licensor_audit_checkpoint_guard();
