-- The transparency log's tables (ARCHITECTURE.md "The write path", "The log format").
-- Every table here is append-only: triggers at the end refuse UPDATE, DELETE and
-- TRUNCATE for every role, and production grants (infra/db/roles.sql) refuse them too.

-- Entries waiting to be sequenced. Callers insert them inside their own transaction,
-- so a domain write and its log entry commit or fail together. `tx` is the inserting
-- transaction's 64-bit id: the sequencer only takes rows whose transaction is older
-- than every transaction still open (pg_snapshot_xmin), so a row that commits late
-- can never fall behind its cursor and be skipped.
CREATE TABLE ledger_pending (
  id bigserial PRIMARY KEY,
  tx xid8 NOT NULL DEFAULT pg_current_xact_id(),
  entry bytea NOT NULL CHECK (octet_length(entry) BETWEEN 1 AND 65535),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_pending_order ON ledger_pending (tx, id);

-- Sequenced entries: index → pending row, with the RFC 9162 leaf hash.
CREATE TABLE ledger_entries (
  idx bigint PRIMARY KEY CHECK (idx >= 0),
  pending_id bigint NOT NULL UNIQUE REFERENCES ledger_pending (id),
  leaf_hash bytea NOT NULL CHECK (octet_length(leaf_hash) = 32)
);

-- Full hash tiles only (C2SP tlog-tiles, height 8): 256 hashes, never changed.
-- `root` is the tile's subtree hash, i.e. the hash one tile level up, so partial
-- tiles of higher levels are read without rehashing.
CREATE TABLE ledger_tiles (
  level smallint NOT NULL CHECK (level BETWEEN 0 AND 7),
  idx bigint NOT NULL CHECK (idx >= 0),
  data bytea NOT NULL CHECK (octet_length(data) = 8192),
  root bytea NOT NULL CHECK (octet_length(root) = 32),
  PRIMARY KEY (level, idx)
);

-- Full entry bundles only (256 entries each, uint16 length-prefixed). Partial
-- bundles are assembled from ledger_entries on read and never stored, so a slow
-- trickle of entries does not store the same bytes again per batch.
CREATE TABLE ledger_bundles (
  idx bigint PRIMARY KEY CHECK (idx >= 0),
  data bytea NOT NULL
);

-- Signed checkpoints, one per integrated batch. prev_size is UNIQUE: two
-- sequencers extending the same checkpoint cannot both commit (compare-and-swap),
-- so the log never forks even if leadership is briefly split.
CREATE TABLE ledger_checkpoints (
  size bigint PRIMARY KEY CHECK (size >= 0),
  prev_size bigint NOT NULL UNIQUE CHECK (prev_size < size),
  root bytea NOT NULL CHECK (octet_length(root) = 32),
  note text NOT NULL,
  cursor_tx xid8 NOT NULL,
  cursor_id bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger table % is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['ledger_pending', 'ledger_entries', 'ledger_tiles', 'ledger_bundles', 'ledger_checkpoints'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()', t || '_no_change', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()', t || '_no_truncate', t);
  END LOOP;
END
$$;
