-- Campaign finance (SIKADEKA, DOMAIN.md application 6, issue #12; docs/finance.md).
-- Every row here is written by the ledgered write path in the same transaction as
-- its log entry. No column holds a donor's name or identity number in clear
-- (ARCHITECTURE.md "Personal data in a public log"): a donor is found through a
-- keyed HMAC, the identity is AES-256-GCM ciphertext under a per-contribution
-- data key, itself wrapped by a key-service data key. Rupiah are bigint.

-- Versions of the per-election rules (caps, deadlines): subject `finance-rules`.
CREATE TABLE finance_rules (
  seq integer PRIMARY KEY,
  payload text NOT NULL,
  entry_hash bytea NOT NULL,
  pending_id bigint NOT NULL
);

-- Campaign accounts (RKDK): one per participant, versions by `seq`.
CREATE TABLE finance_participants (
  id text PRIMARY KEY,
  seq integer NOT NULL,
  name text NOT NULL,
  -- party | dpd | presidential
  kind text NOT NULL,
  -- The contest whose caps apply: DPR (parties: DPR/DPRD), DPD, PPWP.
  contest text NOT NULL,
  -- Where a sanction applies (ID for a party or a pair, the province for DPD).
  area text NOT NULL,
  -- The officer (role PARTY) who files for this participant.
  filer text NOT NULL,
  bank text NOT NULL,
  account_number text NOT NULL,
  account_holder text NOT NULL,
  entry_hash bytea NOT NULL,
  pending_id bigint NOT NULL
);

-- Contributions. `donor_mac` = HMAC-SHA-256(category ‖ id number) under the key
-- service's `finance.donor-index` key; `donor_seq` numbers a donor's
-- contributions to one participant, so two concurrent contributions computed
-- from the same running total collide here instead of both slipping under a cap.
CREATE TABLE finance_contributions (
  subject text PRIMARY KEY,
  participant text NOT NULL REFERENCES finance_participants (id),
  category text NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  day date NOT NULL,
  -- The part of `amount` over the donor's cumulative cap (0 if none).
  excess bigint NOT NULL CHECK (excess >= 0 AND excess <= amount),
  donor_mac bytea NOT NULL,
  donor_seq integer NOT NULL,
  kek_label text NOT NULL,
  -- The contribution's AES-256 key sealed under `kek_label`.
  dek bytea NOT NULL,
  -- The donor record (identity, salt) sealed under `dek`.
  sealed bytea NOT NULL,
  commitment bytea NOT NULL,
  entry_hash bytea NOT NULL,
  pending_id bigint NOT NULL,
  CONSTRAINT finance_donor_running UNIQUE (participant, donor_mac, donor_seq)
);
CREATE INDEX finance_contributions_participant ON finance_contributions (participant);

-- The surrender of a contribution's excess to the state treasury (one per breach).
CREATE TABLE finance_surrenders (
  contribution text PRIMARY KEY REFERENCES finance_contributions (subject),
  participant text NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  day date NOT NULL,
  reference text NOT NULL,
  entry_hash bytea NOT NULL,
  pending_id bigint NOT NULL
);

CREATE TABLE finance_expenditures (
  subject text PRIMARY KEY,
  participant text NOT NULL REFERENCES finance_participants (id),
  category text NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  day date NOT NULL,
  description text NOT NULL,
  entry_hash bytea NOT NULL,
  pending_id bigint NOT NULL
);
CREATE INDEX finance_expenditures_participant ON finance_expenditures (participant);

-- Filed documents, content-addressed like count-form photos (007_photos.sql).
CREATE TABLE finance_documents (
  sha256 bytea PRIMARY KEY,
  media_type text NOT NULL,
  bytes bytea NOT NULL
);

-- Every version of every report (LADK, LPSDK, LPPDK) with its public payload.
CREATE TABLE finance_reports (
  participant text NOT NULL REFERENCES finance_participants (id),
  kind text NOT NULL,
  seq integer NOT NULL,
  document_sha256 bytea NOT NULL REFERENCES finance_documents (sha256),
  payload text NOT NULL,
  late boolean NOT NULL,
  entry_hash bytea NOT NULL,
  pending_id bigint NOT NULL,
  PRIMARY KEY (participant, kind, seq)
);

-- The public accountant (KAP, role AUDITOR) assigned to each participant.
CREATE TABLE finance_auditors (
  participant text NOT NULL REFERENCES finance_participants (id),
  seq integer NOT NULL,
  auditor text NOT NULL,
  entry_hash bytea NOT NULL,
  pending_id bigint NOT NULL,
  PRIMARY KEY (participant, seq)
);

-- Each opening of a donor commitment by an auditor (the entry holds the reason).
CREATE TABLE finance_openings (
  subject text PRIMARY KEY,
  contribution text NOT NULL REFERENCES finance_contributions (subject),
  auditor text NOT NULL,
  entry_hash bytea NOT NULL,
  pending_id bigint NOT NULL
);
