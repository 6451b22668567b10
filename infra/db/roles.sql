-- Production roles and grants for PostgreSQL (run once by a DBA after migrations;
-- the embedded PGlite has a single role and relies on the triggers alone).
--
-- Defence in depth for "no ledger row is ever updated or deleted": the triggers in
-- migrations/001_ledger.sql refuse it for every role, and these grants mean the
-- application roles could not even if the triggers were dropped. Only the schema
-- owner (used for migrations, kept offline) could change either.

CREATE ROLE saksi_api NOLOGIN;        -- API nodes: domain writes + pending entries, reads
CREATE ROLE saksi_sequencer NOLOGIN;  -- the sequencer: integrates pending into the log
CREATE ROLE saksi_reader NOLOGIN;     -- auditors and read replicas: SELECT only

GRANT USAGE ON SCHEMA public TO saksi_api, saksi_sequencer, saksi_reader;

GRANT SELECT ON ledger_pending, ledger_entries, ledger_tiles, ledger_bundles, ledger_checkpoints
  TO saksi_api, saksi_sequencer, saksi_reader;
GRANT INSERT ON ledger_pending TO saksi_api;
GRANT USAGE ON SEQUENCE ledger_pending_id_seq TO saksi_api;
GRANT INSERT ON ledger_entries, ledger_tiles, ledger_bundles, ledger_checkpoints TO saksi_sequencer;

-- The platform's tables (migrations 002–004). Officers may be suspended (an
-- UPDATE of that one column, always beside a log entry); login failures come
-- and go; versions, idempotency records and domain rows are insert-only.
GRANT SELECT, INSERT ON officers, subject_versions, idempotency_keys, devices, tps_reports TO saksi_api;
GRANT UPDATE (suspended) ON officers TO saksi_api;
GRANT UPDATE (revoked_at) ON devices TO saksi_api;
GRANT SELECT, INSERT, UPDATE, DELETE ON login_pair_failures, login_source_failures TO saksi_api;
GRANT SELECT ON officers, subject_versions, devices, tps_reports TO saksi_reader;

-- Counting (migrations 006–008). The registry is loaded by the API (an import is
-- a log entry in the same transaction); photos, forms and published recaps are
-- insert-only; the recap publisher (an API node) moves its own bookkeeping —
-- the counted version per TPS, the current recap per area, the watermark —
-- forward in the transaction that appends the recap entries.
GRANT SELECT, INSERT ON registry_contests, registry_areas, registry_tps, registry_dapil,
  registry_dapil_areas, registry_parties, registry_candidates, registry_pairs,
  photos, count_forms, recaps TO saksi_api;
GRANT SELECT, INSERT, UPDATE ON recap_tps, recap_current, recap_watermark TO saksi_api;
GRANT SELECT ON registry_contests, registry_areas, registry_tps, registry_dapil,
  registry_dapil_areas, registry_parties, registry_candidates, registry_pairs,
  photos, count_forms, recaps, recap_tps, recap_current TO saksi_reader;
REVOKE UPDATE, DELETE, TRUNCATE ON photos, count_forms, recaps FROM PUBLIC, saksi_api, saksi_reader;
-- Each form version's verdict against the voter register (migration 017): insert-only.
GRANT SELECT, INSERT ON count_form_register_checks TO saksi_api;
GRANT SELECT ON count_form_register_checks TO saksi_reader;
REVOKE UPDATE, DELETE, TRUNCATE ON count_form_register_checks FROM PUBLIC, saksi_api, saksi_reader;

-- Campaign finance (migration 015): insert-only. The reader sees the public
-- tables; contributions hold sealed donor identities and stay with the API.
GRANT SELECT, INSERT ON finance_rules, finance_participants, finance_contributions,
  finance_surrenders, finance_expenditures, finance_documents, finance_reports,
  finance_auditors, finance_openings TO saksi_api;
GRANT SELECT ON finance_rules, finance_participants, finance_surrenders, finance_expenditures,
  finance_documents, finance_reports, finance_auditors TO saksi_reader;
REVOKE UPDATE, DELETE, TRUNCATE ON finance_rules, finance_participants, finance_contributions,
  finance_surrenders, finance_expenditures, finance_documents, finance_reports,
  finance_auditors, finance_openings FROM PUBLIC, saksi_api, saksi_reader;
-- Internal audit and stage gates (migration 016). Reports, follow-ups and stage
-- decisions are insert-only; a finding is closed once (closed_by, closed_pending),
-- by the report whose control passed, in that report's transaction.
GRANT SELECT, INSERT ON audit_reports, audit_findings, audit_followups, audit_stage_decisions TO saksi_api;
GRANT UPDATE (closed_by, closed_pending) ON audit_findings TO saksi_api;
GRANT USAGE ON SEQUENCE audit_reports_n_seq, audit_findings_n_seq, audit_followups_n_seq,
  audit_stage_decisions_n_seq TO saksi_api;
GRANT SELECT ON audit_reports, audit_findings, audit_followups, audit_stage_decisions TO saksi_reader;
REVOKE DELETE, TRUNCATE ON audit_reports, audit_findings, audit_followups, audit_stage_decisions
  FROM PUBLIC, saksi_api, saksi_reader;

-- Nobody but the owner may UPDATE, DELETE or TRUNCATE a log table.
REVOKE UPDATE, DELETE, TRUNCATE ON ledger_pending, ledger_entries, ledger_tiles, ledger_bundles, ledger_checkpoints
  FROM PUBLIC, saksi_api, saksi_sequencer, saksi_reader;

-- Login roles inherit one of the above, e.g.:
--   CREATE ROLE api_node_1 LOGIN PASSWORD '…' IN ROLE saksi_api;
--   CREATE ROLE sequencer_1 LOGIN PASSWORD '…' IN ROLE saksi_sequencer;
