-- Agent credential revocation travels from the database itself to every API process:
-- whoever revokes (the decommission transaction, or an operator's UPDATE in an emergency),
-- each process's credential cache drops it when the transaction commits, instead of at its
-- next recheck. The payload is a fleet signal (apps/api/src/modules/heartbeats/fleet-replication.ts):
-- a 12-character origin no process uses, '!', then the signal.
CREATE FUNCTION iamroll_agent_credential_revoked() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('iamroll_fleet', 'postgresql00!credential-revoked:' || OLD.id::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER agent_credential_revoked
AFTER UPDATE OF revoked_at ON agent_credentials
FOR EACH ROW
WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
EXECUTE FUNCTION iamroll_agent_credential_revoked();

CREATE TRIGGER agent_credential_deleted
AFTER DELETE ON agent_credentials
FOR EACH ROW
EXECUTE FUNCTION iamroll_agent_credential_revoked();
