-- The voter register (DOMAIN.md application 3, issue #11; docs/voters.md).
-- No column here holds a NIK, family-card number, name, birth date or address in
-- clear (ARCHITECTURE.md "Personal data in a public log"): the NIK is found
-- through a keyed HMAC, the personal fields are AES-256-GCM ciphertext under a
-- per-record data key, itself wrapped by a key-service data key. Rows are written
-- only by the ledgered write path, in the same transaction as their log entry.

-- One row per voter: the current state and the sealed personal record.
CREATE TABLE voters (
  -- `voter:<opaque id>`: random, never derived from the NIK.
  subject text PRIMARY KEY,
  -- HMAC-SHA-256(NIK) under the key service's `voters.nik-index` data key.
  nik_mac bytea NOT NULL CONSTRAINT voters_one_nik UNIQUE,
  seq integer NOT NULL,
  tps text NOT NULL CHECK (tps ~ '^[0-9]{13}$'),
  list text NOT NULL,
  removed boolean NOT NULL DEFAULT false,
  -- The key-service data key that wraps `dek` (its label names its version).
  kek_label text NOT NULL,
  -- The record's own AES-256 key, sealed under `kek_label`; null once erased.
  dek bytea,
  -- The canonical personal fields, sealed under `dek`; null once erased.
  personal bytea
);
CREATE INDEX voters_tps ON voters (tps);

-- One row per version: the public facts of the log entry, for counts and proofs.
CREATE TABLE voter_changes (
  subject text NOT NULL,
  seq integer NOT NULL,
  tps text NOT NULL,
  list text NOT NULL,
  change text NOT NULL,
  reason_code text,
  commitment bytea NOT NULL,
  entry_hash bytea NOT NULL,
  pending_id bigint NOT NULL,
  PRIMARY KEY (subject, seq)
);
CREATE INDEX voter_changes_tps ON voter_changes (tps);

-- The private opening of each version's commitment: the random salt and the
-- digest of the fields the self-check does not ask for, sealed under the
-- record's `dek`. Deleting these rows (and the dek) is the crypto-erasure.
CREATE TABLE voter_salts (
  subject text NOT NULL,
  seq integer NOT NULL,
  sealed bytea NOT NULL,
  PRIMARY KEY (subject, seq)
);

-- How far `saksi voters import` got in a file (api/domains/voters/import.ts):
-- updated in each batch's transaction, so a re-run resumes after the last
-- committed batch. `source` is the file's absolute path; no personal data.
CREATE TABLE voter_import_progress (
  source text PRIMARY KEY,
  lines_done bigint NOT NULL
);

-- Published counts (api/domains/voters/counts.ts): one row per version of a
-- `voter-count:<area>` subject, the payload of its log entry, for the public read.
CREATE TABLE voter_counts (
  subject text NOT NULL,
  seq integer NOT NULL,
  area text NOT NULL,
  payload text NOT NULL,
  entry_hash bytea NOT NULL,
  pending_id bigint NOT NULL,
  PRIMARY KEY (subject, seq)
);
CREATE INDEX voter_counts_area ON voter_counts (area, seq DESC);
