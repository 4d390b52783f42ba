-- Audit events are append-only. UPDATE is always refused; DELETE only through the retention
-- path, which sets licensor.audit_retention = 'on' for its own transaction after writing a checkpoint.
CREATE OR REPLACE FUNCTION licensor_audit_event_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('licensor.audit_retention', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_event_append_only
  BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION licensor_audit_event_guard();

CREATE TRIGGER audit_event_no_truncate
  BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION licensor_audit_event_guard();

-- The chain starts from a genesis head: sequence 0 and 64 zeros.
INSERT INTO "AuditChainHead" ("id", "sequence", "hash")
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
