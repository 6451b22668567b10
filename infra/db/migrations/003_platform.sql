-- The API platform's tables: subject versions (so every correction names its
-- predecessor), enrolled devices, and idempotency records.

-- The latest version of every subject in the log, one row per version. The primary
-- key is the optimistic lock of the write path: two writers of version N of the
-- same subject cannot both commit, and a replayed signed submission (same subject
-- and version) is refused.
CREATE TABLE subject_versions (
  subject text NOT NULL,
  seq integer NOT NULL CHECK (seq >= 1),
  leaf_hash bytea NOT NULL CHECK (octet_length(leaf_hash) = 32),
  pending_id bigint NOT NULL REFERENCES ledger_pending (id),
  PRIMARY KEY (subject, seq)
);

-- Devices enrolled to officers (enrolment is itself a log entry).
CREATE TABLE devices (
  public_key bytea PRIMARY KEY CHECK (octet_length(public_key) = 32),
  officer_id text NOT NULL,
  label text,
  enrolled_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX devices_officer ON devices (officer_id);

-- A retried request with the same Idempotency-Key gets the first receipt back.
CREATE TABLE idempotency_keys (
  principal_id text NOT NULL,
  key text NOT NULL,
  request_hash bytea NOT NULL,
  receipt jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (principal_id, key)
);

-- Versions and receipts are history too.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['subject_versions', 'idempotency_keys'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()', t || '_no_change', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()', t || '_no_truncate', t);
  END LOOP;
END
$$;
